<?php
// Checks tests/vectors with PHP's own hash_hmac (see ../README.md).
//
//     php tests/interop/php/check.php tests/vectors
declare(strict_types=1);

if ($argc !== 2) {
    fwrite(STDERR, "usage: check.php <vectors-dir>\n");
    exit(2);
}
$dir = $argv[1];
$passed = 0;
$failed = 0;

function check(bool $ok, string $file, string $name, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL $file: $name: $what\n";
    }
}

function sign(string $secret, string $message): string
{
    return hash_hmac('sha256', $message, $secret);
}

function load(string $dir, string $file): array
{
    $text = @file_get_contents($dir . '/' . $file);
    $data = $text === false ? null : json_decode($text, true);
    if (!is_array($data)) {
        check(false, $file, '(file)', 'cannot read: ' . ($text === false ? 'no such file' : json_last_error_msg()));
        return [];
    }
    return $data;
}

function query_has(string $url, string $pair): bool
{
    $beforeFragment = explode('#', $url, 2)[0];
    $parts = explode('?', $beforeFragment, 2);
    return count($parts) === 2 && in_array($pair, explode('&', $parts[1]), true);
}

foreach (load($dir, 'identifier.json')['sign'] ?? [] as $c) {
    check(sign($c['secret'], $c['identifier']) === $c['hash'], 'identifier.json', $c['name'], 'hash');
}

foreach (load($dir, 'identity.json')['sign'] ?? [] as $c) {
    $message = "{$c['email']}|{$c['timestamp']}|{$c['org_id']}|{$c['nonce']}";
    check($message === $c['message'], 'identity.json', $c['name'], 'message');
    check(sign($c['secret'], $message) === $c['user_hash'], 'identity.json', $c['name'], 'user_hash');
}

foreach (load($dir, 'widget_url.json')['cases'] ?? [] as $c) {
    $userHash = sign($c['secret'], "{$c['email']}|{$c['timestamp']}|{$c['org_id']}|{$c['nonce']}");
    check($userHash === $c['user_hash'], 'widget_url.json', $c['name'], 'user_hash');
    check(query_has($c['url'], "user_hash=$userHash"), 'widget_url.json', $c['name'], 'url has user_hash');
}

echo "interop-php: $passed passed, $failed failed\n";
exit($failed === 0 && $passed > 0 ? 0 : 1);
