// Drag and drop onto the upload form: a progressive enhancement. Without this script the
// file input and the "Add files" button do the same.
(function () {
  var form = document.getElementById("upload");
  var input = document.getElementById("files");
  if (!form || !input || !window.DataTransfer) return;
  document.documentElement.classList.add("js");
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      form.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("over"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    input.files = event.dataTransfer.files;
    form.submit();
  });
})();
