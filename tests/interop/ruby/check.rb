#!/usr/bin/env ruby
# Checks tests/vectors with Ruby's own OpenSSL::HMAC (see ../README.md).
#
#     ruby tests/interop/ruby/check.rb tests/vectors
require 'json'
require 'openssl'

abort 'usage: check.rb <vectors-dir>' unless ARGV.length == 1
$dir = ARGV[0]
$passed = 0
$failed = 0

def check(ok, file, name, what)
  if ok
    $passed += 1
  else
    $failed += 1
    puts "FAIL #{file}: #{name}: #{what}"
  end
end

def sign(secret, message)
  OpenSSL::HMAC.hexdigest('SHA256', secret, message)
end

def load(file)
  JSON.parse(File.read(File.join($dir, file), encoding: 'UTF-8'))
rescue StandardError => e
  check(false, file, '(file)', "cannot read: #{e.message}")
  {}
end

def query_has(url, pair)
  _, query = url.split('#', 2).first.split('?', 2)
  !query.nil? && query.split('&').include?(pair)
end

load('identifier.json').fetch('sign', []).each do |c|
  check(sign(c['secret'], c['identifier']) == c['hash'], 'identifier.json', c['name'], 'hash')
end

load('identity.json').fetch('sign', []).each do |c|
  message = "#{c['email']}|#{c['timestamp']}|#{c['org_id']}|#{c['nonce']}"
  check(message == c['message'], 'identity.json', c['name'], 'message')
  check(sign(c['secret'], message) == c['user_hash'], 'identity.json', c['name'], 'user_hash')
end

load('widget_url.json').fetch('cases', []).each do |c|
  user_hash = sign(c['secret'], "#{c['email']}|#{c['timestamp']}|#{c['org_id']}|#{c['nonce']}")
  check(user_hash == c['user_hash'], 'widget_url.json', c['name'], 'user_hash')
  check(query_has(c['url'], "user_hash=#{user_hash}"), 'widget_url.json', c['name'], 'url has user_hash')
end

puts "interop-ruby: #{$passed} passed, #{$failed} failed"
exit($failed.zero? && $passed.positive? ? 0 : 1)
