<?php
// Checks the HS256 tokens of tests/vectors/jwt.json by hand, with PHP's
// standard library only (see ../README.md):
//
//   php tests/interop/php/jwt.php tests/vectors
//
// For every HS256 token (userhash's and the libraries'): the signature is
// base64url(hash_hmac('sha256', header.payload, secret, true)), no padding;
// the header and payload decode to the case's JSON; one changed byte of the
// signing input gives another signature.

$passed = 0;
$failed = 0;

function check($ok, $name, $what) {
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        echo "FAIL jwt.json: $name: $what\n";
    }
}

function b64u_encode($bytes) {
    return rtrim(strtr(base64_encode($bytes), '+/', '-_'), '=');
}

function b64u_decode($text) {
    return base64_decode(strtr($text, '-_', '+/'), true);
}

function hs256($secret, $input) {
    return b64u_encode(hash_hmac('sha256', $input, $secret, true));
}

$text = @file_get_contents($argv[1] . '/jwt.json');
$v = $text === false ? null : json_decode($text, true);
if (!is_array($v)) {
    echo "FAIL jwt.json: cannot read it\n";
    echo "interop-php-jwt: 0 passed, 1 failed\n";
    exit(1);
}

$tokens = [];
foreach ($v['sign'] as $c) {
    if ($c['alg'] === 'HS256') {
        $tokens[] = [$c['name'], $c['token'], $c['key']['hs256'], $c['header_json'], $c['payload_json']];
    }
}
foreach ($v['library'] as $c) {
    if ($c['alg'] === 'HS256') {
        foreach ($c['tokens'] as $lib => $token) {
            $tokens[] = ["{$c['name']} ($lib)", $token, $c['key']['hs256'], null, null];
        }
    }
}
foreach ($tokens as [$name, $token, $secret, $header, $payload]) {
    $parts = explode('.', $token);
    check(count($parts) === 3, $name, 'not three parts');
    [$h, $p, $s] = $parts;
    check(hash_equals(hs256($secret, "$h.$p"), $s), $name, 'the HMAC-SHA256 signature differs');
    check(hs256($secret, "$h.$p" . 'x') !== $s, $name, 'a changed input keeps the signature');
    if ($header !== null) {
        check(b64u_decode($h) === $header, $name, 'the header is not the case\'s JSON');
        check(b64u_decode($p) === $payload, $name, 'the payload is not the case\'s JSON');
    } else {
        check(json_decode(b64u_decode($h), true)['alg'] === 'HS256', $name, 'alg is not HS256');
    }
}

echo "interop-php-jwt: $passed passed, $failed failed\n";
exit($failed === 0 && $passed > 0 ? 0 : 1);
