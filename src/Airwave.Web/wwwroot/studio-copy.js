// Copy buttons in the studio (a private feed URL): shown only when this script runs; without it the URL sits in a
// read-only field that can be selected and copied by hand.
(function () {
  'use strict';
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    var field = document.getElementById(button.getAttribute('data-copy'));
    var status = button.parentNode.querySelector('.copy-status');
    if (!field) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      function done(text) { if (status) status.textContent = text; }
      field.select();
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(function () { done('Copied.'); }, function () { done('Press Ctrl+C (⌘C) to copy.'); });
      } else {
        done('Press Ctrl+C (⌘C) to copy.');
      }
    });
  });
})();
