// The studio's cover upload: a local preview of the chosen picture, then PUT to the cover API with the session cookie
// (same origin, SameSite=Strict). The server's reason is shown when the picture is refused.
(function () {
  'use strict';

  function problemText(body, fallback) {
    if (body && body.errors) {
      var reasons = [];
      Object.keys(body.errors).forEach(function (field) {
        reasons.push(body.errors[field].join('; '));
      });
      if (reasons.length) return reasons.join(' ');
    }
    return (body && (body.detail || body.title)) || fallback;
  }

  function readProblem(response, fallback) {
    return response.json().then(function (body) { return problemText(body, fallback); }, function () { return fallback; });
  }

  var input = document.getElementById('cover');
  if (!input) return;
  var preview = document.getElementById('cover-preview');
  var button = document.getElementById('cover-upload');
  var error = document.getElementById('cover-error');
  var status = document.getElementById('cover-status');
  var reader = null;

  input.addEventListener('change', function () {
    error.textContent = '';
    status.hidden = true;
    var file = input.files && input.files[0];
    if (reader) reader.abort();
    button.disabled = !file;
    if (!file) return;
    // A data: URL, which the site's Content Security Policy allows for images (blob: it does not).
    reader = new FileReader();
    reader.onload = function () {
      preview.src = reader.result;
      preview.hidden = false;
    };
    reader.readAsDataURL(file);
  });

  button.addEventListener('click', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    button.disabled = true;
    error.textContent = '';
    status.hidden = false;
    status.textContent = 'Uploading…';
    fetch(input.dataset.uploadUrl, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream' },
      body: file
    }).then(function (response) {
      if (response.ok) {
        return response.json().then(function (body) {
          status.textContent = body.cropped
            ? 'Cover saved. It was not square, so it was cropped to its centre.'
            : 'Cover saved.';
          if (body.cover_images && body.cover_images['600']) preview.src = body.cover_images['600'];
        });
      }
      return readProblem(response, 'The cover was not accepted.').then(function (reason) {
        status.hidden = true;
        error.textContent = 'Cover ' + reason;
        input.setAttribute('aria-invalid', 'true');
      });
    }, function () {
      status.hidden = true;
      error.textContent = 'The upload failed: check the connection and try again.';
    }).then(function () { button.disabled = false; });
  });
})();
