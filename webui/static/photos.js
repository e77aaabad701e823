// Product photos: upload the chosen files with a progress bar
// (XMLHttpRequest upload progress), refusals shown beside the field.
// A file the hub would refuse for its size is refused here before it is
// sent over a phone's connection; the server checks everything again.
document.addEventListener('DOMContentLoaded', function () {
  document.querySelectorAll('form.photo-upload').forEach(function (form) {
    var input = form.querySelector('input[type=file]');
    var err = form.querySelector('.field-error');
    var bar = form.querySelector('progress');
    var busy = false;
    function show(msg) {
      err.textContent = msg;
      err.hidden = !msg;
      if (msg) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
    }
    function named(msg, file) { return msg.split('{name}').join(file.name); }
    function send() {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length || busy) { return; }
      for (var i = 0; i < files.length; i++) {
        if (files[i].size === 0) { show(named(form.dataset.msgEmpty, files[i])); return; }
        if (files[i].size > Number(form.dataset.maxBytes)) { show(named(form.dataset.msgTooLarge, files[i])); return; }
      }
      show('');
      busy = true;
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; }
      };
      xhr.onload = function () {
        busy = false;
        if (xhr.status >= 200 && xhr.status < 300) { window.location.assign(form.dataset.done); return; }
        bar.hidden = true;
        var msg = form.dataset.msgFailed;
        try { msg = JSON.parse(xhr.responseText).message || msg; } catch (e) { /* not JSON: the generic message */ }
        show(msg);
      };
      xhr.onerror = function () { busy = false; bar.hidden = true; show(form.dataset.msgFailed); };
      bar.value = 0;
      bar.hidden = false;
      xhr.send(new FormData(form));
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); send(); });
    input.addEventListener('change', send);
  });
});
