// The studio's episode page: a small tus 1.0.0 client (create with POST, send chunks with PATCH and Upload-Offset,
// ask with HEAD to resume), a real progress bar, the live processing status from the server-sent events, the
// loudness report, and publishing now or at a UTC time. Calls use the session cookie (same origin, SameSite=Strict).
(function () {
  'use strict';

  var root = document.getElementById('episode-studio');
  if (!root) return;
  var episodeId = root.dataset.episodeId;
  var chunkSize = 1024 * 1024;
  var input = document.getElementById('audio-file');
  var zone = document.getElementById('drop-zone');
  var bar = document.getElementById('upload-progress');
  var percentText = document.getElementById('upload-percent');
  var uploadError = document.getElementById('upload-error');
  var statusText = document.getElementById('processing-status');
  var processingBar = document.getElementById('processing-progress');
  var processingError = document.getElementById('processing-error');
  var publishButton = document.getElementById('publish-button');
  var uploading = false;

  function problemText(body, fallback) {
    if (body && body.errors) {
      var reasons = Object.keys(body.errors).map(function (field) { return body.errors[field].join('; '); });
      if (reasons.length) return reasons.join(' ');
    }
    return (body && (body.detail || body.title)) || fallback;
  }

  function xhrProblem(xhr, fallback) {
    try { return problemText(JSON.parse(xhr.responseText), fallback); } catch (e) { return fallback; }
  }

  function showProgress(sent, total) {
    var percent = total === 0 ? 100 : Math.floor(sent * 100 / total);
    bar.value = percent;
    bar.textContent = percent + ' %';
    percentText.textContent = percent + ' %';
  }

  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (onProgress) xhr.upload.onprogress = function (e) { onProgress(e.loaded); };
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error('network')); };
      xhr.send(body);
    });
  }

  function storageKey(file) { return 'airwave-upload:' + episodeId + ':' + file.name + ':' + file.size + ':' + file.lastModified; }

  function metadata(pairs) {
    return Object.keys(pairs).map(function (key) {
      return key + ' ' + btoa(unescape(encodeURIComponent(pairs[key])));
    }).join(',');
  }

  var connection = document.getElementById('upload-connection');
  var maxNetworkRetries = 30;

  function showConnection(text) {
    if (!connection) return;
    connection.textContent = text;
    connection.hidden = !text;
  }

  // After a network failure: wait until the browser says it is online again (or a growing pause, at most 10 s, when
  // it cannot tell), so a connection that is down for a minute does not use up the retries.
  function waitToRetry(attempt) {
    return new Promise(function (resolve) {
      var done = false;
      function go() {
        if (done) return;
        done = true;
        window.removeEventListener('online', go);
        resolve();
      }
      window.addEventListener('online', go);
      setTimeout(go, navigator.onLine === false ? 30000 : Math.min(10000, 500 * Math.pow(2, attempt)));
    });
  }

  // The offset the server has for an upload URL, or null when it is gone (expired, finished or someone else's).
  // A network failure rejects instead, so a caller can tell "gone" from "could not ask".
  function serverOffset(url, size) {
    return request('HEAD', url, { 'Tus-Resumable': '1.0.0' }, null).then(function (xhr) {
      if (xhr.status !== 200 || Number(xhr.getResponseHeader('Upload-Length')) !== size) return null;
      var offset = Number(xhr.getResponseHeader('Upload-Offset'));
      return offset < size ? offset : null;
    });
  }

  function resumeOffset(url, size) {
    return serverOffset(url, size).then(null, function () { return null; });
  }

  // The connection broke during a chunk: ask the server (HEAD) how much arrived and go on from exactly there, so no
  // byte it already has is sent again; while the network is down, say so and keep trying.
  function recover(url, file, attempt) {
    if (attempt >= maxNetworkRetries) {
      showConnection('');
      return Promise.reject(new Error('The connection broke. Choose the same file again to resume where it stopped.'));
    }
    showConnection('Connection lost, retrying…');
    return waitToRetry(attempt).then(function () {
      return serverOffset(url, file.size).then(function (at) {
        showConnection('');
        if (at === null) throw new Error('The upload could not be resumed. Choose the file again.');
        return sendFrom(url, file, at, 3);
      }, function () { return recover(url, file, attempt + 1); });
    });
  }

  function create(file) {
    return request('POST', root.dataset.uploadUrl, {
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(file.size),
      'Upload-Metadata': metadata({ episodeId: episodeId, filename: file.name })
    }, null).then(function (xhr) {
      if (xhr.status !== 201) throw new Error(xhrProblem(xhr, 'The upload could not start.'));
      return xhr.getResponseHeader('Location');
    });
  }

  function sendFrom(url, file, offset, retries) {
    if (offset >= file.size) return Promise.resolve();
    var chunk = file.slice(offset, Math.min(offset + chunkSize, file.size));
    return request('PATCH', url, {
      'Tus-Resumable': '1.0.0',
      'Content-Type': 'application/offset+octet-stream',
      'Upload-Offset': String(offset)
    }, chunk, function (loaded) { showProgress(offset + loaded, file.size); }).then(function (xhr) {
      if (xhr.status === 204) {
        var next = Number(xhr.getResponseHeader('Upload-Offset'));
        showProgress(next, file.size);
        return sendFrom(url, file, next, 3);
      }
      if (xhr.status === 409 && retries > 0) {
        return resumeOffset(url, file.size).then(function (at) {
          if (at === null) throw new Error(xhrProblem(xhr, 'The upload was interrupted.'));
          return sendFrom(url, file, at, retries - 1);
        });
      }
      throw new Error(xhrProblem(xhr, 'The server refused part of the file.'));
    }, function () { return recover(url, file, 0); });
  }

  function upload(file) {
    if (uploading || !file) return;
    uploading = true;
    uploadError.textContent = '';
    processingError.textContent = '';
    showProgress(0, file.size);
    var key = storageKey(file);
    var stored = window.localStorage.getItem(key);
    (stored ? resumeOffset(stored, file.size) : Promise.resolve(null)).then(function (offset) {
      if (offset !== null) return { url: stored, offset: offset };
      return create(file).then(function (url) {
        window.localStorage.setItem(key, url);
        return { url: url, offset: 0 };
      });
    }).then(function (start) {
      showProgress(start.offset, file.size);
      watch();
      return sendFrom(start.url, file, start.offset, 3);
    }).then(function () {
      window.localStorage.removeItem(key);
      percentText.textContent = '100 % — uploaded';
    }, function (error) {
      uploadError.textContent = error.message;
    }).then(function () { uploading = false; });
  }

  input.addEventListener('change', function () { upload(input.files && input.files[0]); });
  ['dragenter', 'dragover'].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add('dragging'); });
  });
  ['dragleave', 'drop'].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove('dragging'); });
  });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) upload(e.dataTransfer.files[0]);
  });

  var labels = {
    awaiting_upload: 'Waiting for the audio.',
    uploading: 'Uploading…',
    processing: 'Processing',
    ready: 'Ready.',
    failed: 'Processing failed.'
  };

  function db(value) { return value === null || value === undefined ? '—' : value.toFixed(1); }

  function showLoudness(loudness) {
    if (!loudness) return;
    document.getElementById('loudness-input').textContent =
      db(loudness.input_integrated) + ' LUFS, true peak ' + db(loudness.input_true_peak) + ' dBTP, range ' + db(loudness.input_range) + ' LU';
    document.getElementById('loudness-output').textContent =
      db(loudness.output_integrated) + ' LUFS, true peak ' + db(loudness.output_true_peak) + ' dBTP';
    document.getElementById('loudness-target').textContent =
      db(loudness.target_integrated) + ' LUFS, true peak ' + db(loudness.target_true_peak) + ' dBTP';
    document.getElementById('loudness-normalized').textContent = loudness.normalized ? 'Yes' : 'No (kept as uploaded)';
    document.getElementById('loudness').hidden = false;
  }

  function showStatus(status) {
    var state = status.processed_status;
    var text = labels[state] || state;
    if (state === 'processing') text += status.step ? ': ' + status.step + ' (' + status.percent + ' %)' : ' (waiting to start)';
    statusText.textContent = text;
    root.dataset.status = state;
    processingBar.value = status.percent;
    processingError.textContent = state === 'failed' && status.error ? status.error : '';
    publishButton.disabled = state !== 'ready';
    if (state === 'ready') showLoudness(status.loudness);
  }

  var events = null;
  function watch() {
    if (events || !window.EventSource) return;
    events = new EventSource(root.dataset.eventsUrl);
    events.addEventListener('status', function (e) {
      var status = JSON.parse(e.data);
      showStatus(status);
      if (status.processed_status === 'ready' || status.processed_status === 'failed') {
        events.close();
        events = null;
      }
    });
  }

  // A page opened while processing runs (or after it) shows the current status and report at once.
  if (root.dataset.status !== 'awaiting_upload') watch();

  var utcNow = document.getElementById('utc-now');
  function tick() { utcNow.textContent = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC'; }
  tick();
  setInterval(tick, 30000);

  var publishForm = document.getElementById('publish-form');
  var publishAt = document.getElementById('publish_at');
  var publishAtError = document.getElementById('publish_at-error');
  var publishError = document.getElementById('publish-error');
  var publishStatus = document.getElementById('publish-status');
  publishAt.addEventListener('input', function () { document.getElementById('publish-later').checked = true; });
  publishForm.addEventListener('submit', function (e) {
    e.preventDefault();
    publishAtError.textContent = '';
    publishError.textContent = '';
    publishAt.removeAttribute('aria-invalid');
    var later = document.getElementById('publish-later').checked;
    var body = {};
    if (later) {
      if (!publishAt.value) {
        publishAtError.textContent = 'Date and time is required to schedule';
        publishAt.setAttribute('aria-invalid', 'true');
        return;
      }
      // The input holds a UTC wall-clock time, as the label says.
      body.publish_at = publishAt.value.length === 16 ? publishAt.value + ':00Z' : publishAt.value + 'Z';
    }
    publishButton.disabled = true;
    fetch(root.dataset.publishUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, json: json }; }, function () { return { ok: response.ok, json: null }; });
    }).then(function (result) {
      if (result.ok) {
        var at = result.json.published_at ? result.json.published_at.slice(0, 16).replace('T', ' ') + ' UTC' : '';
        publishStatus.hidden = false;
        publishStatus.textContent = result.json.status === 'scheduled' ? 'Scheduled for ' + at + '.' : 'Published (' + at + ').';
        document.getElementById('publish-current').textContent =
          result.json.status === 'scheduled' ? 'Scheduled for ' + at + '.' : 'Published for ' + at + '.';
        var link = document.createElement('a');
        link.href = root.dataset.publicUrl;
        link.id = 'public-page-link';
        link.textContent = ' Open the public page';
        publishStatus.appendChild(link);
      } else if (result.json && result.json.errors && result.json.errors.publish_at) {
        publishAtError.textContent = 'Date and time ' + result.json.errors.publish_at.join('; ');
        publishAt.setAttribute('aria-invalid', 'true');
      } else {
        publishError.textContent = problemText(result.json, 'The episode could not be published.');
      }
    }, function () {
      publishError.textContent = 'The request failed: check the connection and try again.';
    }).then(function () { publishButton.disabled = root.dataset.status !== 'ready'; });
  });
})();
