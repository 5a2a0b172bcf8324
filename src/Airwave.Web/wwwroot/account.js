// The account page's copy button for a new API token's secret. Without the script the field is still there to select
// and copy by hand; the button is hidden until the script has set it up. The secret is never sent anywhere by it.
(function () {
  'use strict';

  function start() {
    document.querySelectorAll('[data-copy]').forEach(function (button) {
      var field = document.getElementById(button.getAttribute('data-copy'));
      if (!field) { return; }
      button.classList.add('ready');
      button.addEventListener('click', function () {
        function copied() { button.textContent = 'Copied'; }
        field.select();
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(field.value).then(copied, function () { if (document.execCommand('copy')) { copied(); } });
        } else if (document.execCommand('copy')) {
          copied();
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
