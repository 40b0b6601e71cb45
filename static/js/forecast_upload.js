/* Upload of forecast and observation files (数据导入): drag and drop, and a progress bar for
   big files. Plain JavaScript, no dependencies. Without JavaScript the form posts as usual. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }

  var zone = form.querySelector(".dropzone");
  var input = form.querySelector("input[type=file]");
  var bar = form.querySelector("[data-upload-progress]");
  var status = form.querySelector("[data-upload-status]");
  var nameOut = form.querySelector("[data-upload-name]");
  var button = form.querySelector("button[type=submit]");
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
  var tooLarge = form.getAttribute("data-too-large") || "文件过大。";

  function say(text, isError) {
    status.textContent = text;
    status.className = isError ? "error" : "muted";
  }

  function showName() {
    var file = input.files && input.files[0];
    nameOut.textContent = file ? file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）" : "";
    if (file && maxBytes && file.size > maxBytes) { say(tooLarge, true); } else { say("", false); }
  }

  input.addEventListener("change", showName);
  showName();  // a file chosen before this deferred script ran (or kept by the browser on back)

  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("dragover");
    });
  });
  ["dragleave", "dragend", "drop"].forEach(function (type) {
    zone.addEventListener(type, function () { zone.classList.remove("dragover"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showName();
    }
  });

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; } // the browser's own "required" message
    event.preventDefault();
    if (maxBytes && file.size > maxBytes) { say(tooLarge, true); return; }

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    say("正在上传…", false);

    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        say("正在上传… " + bar.value + "%", false);
      }
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value"); // indeterminate while the server reads the file
      say("上传完成，正在读取和校验文件…", false);
    };
    xhr.onload = function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (ignore) { reply = null; }
      if (xhr.status >= 200 && xhr.status < 300 && reply && reply.redirect) {
        window.location.assign(reply.redirect);
        return;
      }
      button.disabled = false;
      bar.hidden = true;
      say((reply && (reply.error || reply.detail)) || ("上传失败（HTTP " + xhr.status + "）"), true);
    };
    xhr.onerror = function () {
      button.disabled = false;
      bar.hidden = true;
      say("网络错误，上传未完成。", true);
    };
    xhr.send(new FormData(form));
  });
}());
