// Copy buttons (the embed code on episode pages, a new API token's secret, a private feed URL): a button with
// data-copy="ID" copies the field with that id. The button stays invisible (its space kept, so nothing moves) until
// this script has set it up; without the script the field can still be selected and copied by hand. Nothing is sent
// anywhere.
(function () {
  'use strict';

  function start() {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      var field = document.getElementById(button.getAttribute('data-copy'));
      if (!field) { return; }
      var status = button.parentNode.querySelector('.copy-status');
      function say(text) { if (status) { status.textContent = text; } }
      function copied() { button.textContent = 'Copied'; say('Copied.'); }
      function byHand() { say('Press Ctrl+C (⌘C) to copy.'); }
      button.classList.add('ready');
      button.addEventListener('click', function () {
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(copied, function () { if (document.execCommand('copy')) { copied(); } else { byHand(); } });
        } else if (document.execCommand('copy')) {
          copied();
        } else {
          byHand();
        }
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
