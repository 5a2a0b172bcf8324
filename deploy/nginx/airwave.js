// Airwave's signed media URLs, checked at the nginx edge (njs, Debian package libnginx-mod-http-js).
//
// Airwave redirects listeners to  /media/<sha256>.<ext>?expires=<unix seconds>&signature=<sig>  where
//   sig = base64url(HMAC-SHA256(key, <path> + "\n" + <expires>))   (no padding)
// with <path> exactly as requested and <expires> exactly as written (digits, no leading zeros). This is the same
// check as the origin's (src/Airwave.Delivery/Signing/UrlSigner.cs), so a URL the edge accepts, the origin accepts.
// nginx's own secure_link module only knows MD5, hence njs and its crypto.createHmac.
//
// The key comes from the $airwave_signing_key variable and whether unsigned URLs pass from
// $airwave_require_signed_urls ("1" or "0"), both set in nginx.conf.

const crypto = require('crypto');

// Compares two strings in time that depends only on their length, so a forger learns nothing from timing.
function constantTimeEqual(a, b) {
    if (a.length !== b.length) {
        return false;
    }
    var difference = 0;
    for (var i = 0; i < a.length; i++) {
        difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
    }
    return difference === 0;
}

// Used as `js_set $airwave_signature airwave.check;`: "ok", "missing", "expired" or "invalid".
function check(r) {
    var key = r.variables.airwave_signing_key;
    var expires = r.args.expires;       // decoded; an array when the parameter is repeated
    var signature = r.args.signature;
    if (expires === undefined && signature === undefined) {
        return r.variables.airwave_require_signed_urls === '1' ? 'missing' : 'ok';
    }
    if (!key || typeof expires !== 'string' || typeof signature !== 'string'
        || !/^(0|[1-9][0-9]{0,17})$/.test(expires) || signature.length !== 43) {
        return 'invalid';
    }
    var expected = crypto.createHmac('sha256', key).update(r.uri + '\n' + expires).digest('base64url');
    if (!constantTimeEqual(expected, signature)) {
        return 'invalid';
    }
    return Number(expires) < Math.floor(Date.now() / 1000) ? 'expired' : 'ok';
}

export default { check };
