# Checks the HS256 tokens of tests/vectors/jwt.json by hand, with Ruby's
# standard library only (see ../README.md):
#
#   ruby tests/interop/ruby/jwt.rb tests/vectors
#
# For every HS256 token (userhash's and the libraries'): the signature is
# Base64.urlsafe_encode64(OpenSSL::HMAC.digest('SHA256', secret, header.payload),
# padding: false); the header and payload decode to the case's JSON; one
# changed byte of the signing input gives another signature.
require 'base64'
require 'json'
require 'openssl'

$passed = 0
$failed = 0

def check(ok, name, what)
  if ok
    $passed += 1
  else
    $failed += 1
    puts "FAIL jwt.json: #{name}: #{what}"
  end
end

def hs256(secret, input)
  Base64.urlsafe_encode64(OpenSSL::HMAC.digest('SHA256', secret, input), padding: false)
end

begin
  v = JSON.parse(File.read(File.join(ARGV[0], 'jwt.json'), encoding: 'UTF-8'))
rescue StandardError => e
  puts "FAIL jwt.json: #{e}"
  puts 'interop-ruby-jwt: 0 passed, 1 failed'
  exit 1
end

tokens = []
v['sign'].each do |c|
  tokens << [c['name'], c['token'], c['key']['hs256'], c['header_json'], c['payload_json']] if c['alg'] == 'HS256'
end
v['library'].each do |c|
  next unless c['alg'] == 'HS256'

  c['tokens'].each { |lib, token| tokens << ["#{c['name']} (#{lib})", token, c['key']['hs256'], nil, nil] }
end
tokens.each do |name, token, secret, header, payload|
  parts = token.split('.', -1)
  check(parts.length == 3, name, 'not three parts')
  h, p, s = parts
  check(OpenSSL.fixed_length_secure_compare(hs256(secret, "#{h}.#{p}"), s), name, 'the HMAC-SHA256 signature differs')
  check(hs256(secret, "#{h}.#{p}x") != s, name, 'a changed input keeps the signature')
  if header
    check(Base64.urlsafe_decode64(h).force_encoding('UTF-8') == header, name, "the header is not the case's JSON")
    check(Base64.urlsafe_decode64(p).force_encoding('UTF-8') == payload, name, "the payload is not the case's JSON")
  else
    check(JSON.parse(Base64.urlsafe_decode64(h))['alg'] == 'HS256', name, 'alg is not HS256')
  end
end

puts "interop-ruby-jwt: #{$passed} passed, #{$failed} failed"
exit($failed.zero? && $passed.positive? ? 0 : 1)
