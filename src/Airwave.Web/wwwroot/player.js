// Airwave player: takes over the native <audio controls> rendered by the server (which works without this script),
// draws the waveform from the processing peaks, and reports playback to the analytics API (playback events:
// play, progress every 15 s of audio played, pause, seek, complete; the last one on page hide by sendBeacon).
(function () {
  'use strict';

  var PROGRESS_SECONDS = 15;
  var DEVICE_KEY = 'airwave.device_id';

  function randomId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  // One id per browser, kept in localStorage; storage can be refused (private modes, third-party iframes), and then
  // the id lives as long as the page.
  function deviceId() {
    try {
      var id = window.localStorage.getItem(DEVICE_KEY);
      if (!id) {
        id = randomId();
        window.localStorage.setItem(DEVICE_KEY, id);
      }
      return id;
    } catch (e) {
      return randomId();
    }
  }

  var device = deviceId();
  var session = randomId();
  var sequence = 0;

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var ss = (s < 10 ? '0' : '') + s;
    return h > 0 ? h + ':' + (m < 10 ? '0' : '') + m + ':' + ss : m + ':' + ss;
  }

  function round(seconds) { return Math.round(Math.max(0, seconds || 0) * 1000) / 1000; }

  function setUpPlayer(root) {
    var audio = root.querySelector('.player-audio');
    var controls = root.querySelector('.player-controls');
    var toggle = root.querySelector('.player-toggle');
    var current = root.querySelector('.player-current');
    var total = root.querySelector('.player-total');
    var rate = root.querySelector('.player-rate');
    var seek = root.querySelector('.player-seek');
    var canvas = root.querySelector('.player-waveform');
    var eventsUrl = root.getAttribute('data-events-url');
    var episodeId = root.getAttribute('data-episode-id');
    var knownDuration = parseFloat(root.getAttribute('data-duration')) || 0;
    var peaks = (canvas.getAttribute('data-peaks') || '').split(',').filter(function (p) { return p !== ''; }).map(parseFloat);
    var chapters = Array.prototype.slice.call(document.querySelectorAll('.chapter[data-start]'));

    // The start of the range played since the last event, and the last position seen while playing (a seek's origin).
    var rangeStart = 0;
    var lastPosition = 0;
    var dragging = false;

    audio.controls = false;
    audio.hidden = true;
    controls.hidden = false;
    seek.hidden = false;

    function duration() {
      return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : knownDuration;
    }

    function event(type, start, end) {
      sequence += 1;
      return {
        event_id: randomId(),
        device_id: device,
        episode_id: episodeId,
        session_id: session,
        sequence: sequence,
        type: type,
        position_start: round(start),
        position_end: round(end),
        created_at: new Date().toISOString()
      };
    }

    function send(type, start, end, beacon) {
      var body = event(type, start, end);
      body.sent_at = new Date().toISOString();
      var json = JSON.stringify(body);
      if (beacon && navigator.sendBeacon) {
        if (navigator.sendBeacon(eventsUrl, new Blob([json], { type: 'application/json' }))) {
          return;
        }
      }
      if (window.fetch) {
        window.fetch(eventsUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: json,
          credentials: 'same-origin',
          keepalive: true
        }).catch(function () { /* analytics must never disturb listening */ });
      }
    }

    function draw() {
      var width = canvas.clientWidth, height = canvas.clientHeight;
      if (!width || !height) { return; }
      var ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      var context = canvas.getContext('2d');
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      var style = getComputedStyle(document.documentElement);
      var played = duration() > 0 ? audio.currentTime / duration() : 0;
      var bar = 3, gap = 1, count = Math.max(1, Math.floor(width / (bar + gap)));
      // Scaled to the loudest peak, so quiet (normalised) speech still fills the height.
      var loudest = Math.max.apply(null, peaks.concat([0.01]));
      for (var i = 0; i < count; i++) {
        var peak = 0;
        if (peaks.length > 0) {
          var from = Math.floor(i * peaks.length / count), to = Math.max(from + 1, Math.floor((i + 1) * peaks.length / count));
          for (var j = from; j < to && j < peaks.length; j++) { peak = Math.max(peak, peaks[j]); }
        } else {
          peak = 0.05;
        }
        var h = Math.max(2, Math.min(1, peak / loudest) * height);
        context.fillStyle = (i + 0.5) / count <= played ? style.getPropertyValue('--accent') : style.getPropertyValue('--wave');
        context.fillRect(i * (bar + gap), (height - h) / 2, bar, h);
      }
    }

    function showTime() {
      var length = duration();
      current.textContent = clock(audio.currentTime);
      total.textContent = clock(length);
      if (!dragging) {
        seek.max = String(Math.max(1, Math.floor(length)));
        seek.value = String(Math.floor(audio.currentTime));
      }
      seek.setAttribute('aria-valuetext', clock(audio.currentTime) + ' of ' + clock(length));
      chapters.forEach(function (chapter, index) {
        var start = parseFloat(chapter.getAttribute('data-start'));
        var next = index + 1 < chapters.length ? parseFloat(chapters[index + 1].getAttribute('data-start')) : Infinity;
        chapter.classList.toggle('current', audio.currentTime >= start && audio.currentTime < next);
      });
      draw();
    }

    function jumpTo(seconds) {
      var length = duration();
      audio.currentTime = Math.max(0, length > 0 ? Math.min(seconds, length) : seconds);
      showTime();
    }

    function togglePlay() {
      if (audio.paused) {
        var playing = audio.play();
        if (playing && playing.catch) { playing.catch(function () { /* refused (autoplay rules); the button stays "Play" */ }); }
      } else {
        audio.pause();
      }
    }

    toggle.addEventListener('click', togglePlay);
    root.querySelectorAll('.player-skip').forEach(function (button) {
      button.addEventListener('click', function () { jumpTo(audio.currentTime + parseFloat(button.getAttribute('data-skip'))); });
    });
    rate.addEventListener('change', function () { audio.playbackRate = parseFloat(rate.value); });
    seek.addEventListener('input', function () { dragging = true; current.textContent = clock(parseFloat(seek.value)); });
    seek.addEventListener('change', function () { dragging = false; jumpTo(parseFloat(seek.value)); });
    canvas.addEventListener('click', function (e) {
      var box = canvas.getBoundingClientRect();
      jumpTo((e.clientX - box.left) / box.width * duration());
    });
    chapters.forEach(function (chapter) {
      chapter.addEventListener('click', function () {
        jumpTo(parseFloat(chapter.getAttribute('data-start')));
        if (audio.paused) { togglePlay(); }
      });
    });

    // Keys while focus is in the player: space or k plays and pauses; left/j and right/l skip back 15 s and on 30 s.
    root.addEventListener('keydown', function (e) {
      var tag = e.target.tagName;
      var inField = tag === 'SELECT' || tag === 'INPUT';
      if ((e.key === ' ' && tag !== 'BUTTON' && !inField) || e.key === 'k') {
        e.preventDefault();
        togglePlay();
      } else if ((e.key === 'ArrowLeft' && !inField) || e.key === 'j') {
        e.preventDefault();
        jumpTo(audio.currentTime - 15);
      } else if ((e.key === 'ArrowRight' && !inField) || e.key === 'l') {
        e.preventDefault();
        jumpTo(audio.currentTime + 30);
      }
    });

    audio.addEventListener('play', function () {
      root.classList.add('playing');
      toggle.setAttribute('aria-label', 'Pause');
      rangeStart = audio.currentTime;
      lastPosition = audio.currentTime;
      send('play', audio.currentTime, audio.currentTime);
    });
    audio.addEventListener('pause', function () {
      root.classList.remove('playing');
      toggle.setAttribute('aria-label', 'Play');
      if (!audio.ended) {
        send('pause', rangeStart, audio.currentTime);
        rangeStart = audio.currentTime;
      }
    });
    audio.addEventListener('seeking', function () {
      if (!audio.paused && lastPosition - rangeStart >= 1) {
        send('progress', rangeStart, lastPosition);
      }
      send('seek', lastPosition, audio.currentTime);
      rangeStart = audio.currentTime;
      lastPosition = audio.currentTime;
    });
    audio.addEventListener('timeupdate', function () {
      if (!audio.seeking) {
        lastPosition = audio.currentTime;
        if (!audio.paused && audio.currentTime - rangeStart >= PROGRESS_SECONDS) {
          send('progress', rangeStart, audio.currentTime);
          rangeStart = audio.currentTime;
        }
      }
      showTime();
    });
    audio.addEventListener('ended', function () {
      root.classList.remove('playing');
      toggle.setAttribute('aria-label', 'Play');
      send('complete', rangeStart, duration());
      rangeStart = 0;
    });
    audio.addEventListener('loadedmetadata', showTime);
    audio.addEventListener('durationchange', showTime);

    // Leaving or hiding the page: the range played since the last event goes out by beacon, which survives unload.
    function flush() {
      if (!audio.paused && audio.currentTime - rangeStart >= 0.5) {
        send('progress', rangeStart, audio.currentTime, true);
        rangeStart = audio.currentTime;
      }
    }
    document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') { flush(); } });
    window.addEventListener('pagehide', flush);

    if (window.ResizeObserver) {
      new ResizeObserver(draw).observe(canvas);
    } else {
      window.addEventListener('resize', draw);
    }
    showTime();
  }

  function start() {
    document.querySelectorAll('.player').forEach(setUpPlayer);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
