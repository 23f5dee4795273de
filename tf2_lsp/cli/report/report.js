// tf2-lsp report: table sorting and filtering, finding lists, copy buttons, VS Code bridge.
(function () {
  'use strict';
  var dataNode = document.getElementById('report-data');
  var data = dataNode ? JSON.parse(dataNode.textContent) : { files: [], messages: [], classes: [] };
  var vscodeApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  var CLASS_LABELS = { safe: 'safe fix', unsafe: 'unsafe fix', manual: 'manual', none: 'no fix' };

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function lineHref(file, line, column) {
    return data.vscode ? file.h + ':' + line + ':' + column : file.h + '#L' + line;
  }

  // -- finding lists, built when a file is expanded --------------------------------------------
  function findingList(file, absolute) {
    var list = text('ul', 'findings');
    file.i.forEach(function (item) {
      var li = document.createElement('li');
      var link = text('a', 'open', file.p.split('/').pop() + ':' + item[0]);
      link.href = lineHref(file, item[0], item[1]);
      link.setAttribute('data-file', absolute);
      link.setAttribute('data-line', String(item[0]));
      var fixClass = data.classes[item[4]];
      li.appendChild(link);
      li.appendChild(text('span', 'code', item[2]));
      if (item[5]) li.appendChild(text('span', 'pill block', 'blocking'));
      li.appendChild(text('span', 'pill ' + fixClass, CLASS_LABELS[fixClass]));
      li.appendChild(text('span', 'message', data.messages[item[3]]));
      list.appendChild(li);
    });
    return list;
  }

  function toggle(button) {
    var row = button.closest('tr');
    var open = button.getAttribute('aria-expanded') === 'true';
    var next = row.nextElementSibling;
    if (open) {
      if (next && next.classList.contains('details')) next.remove();
      button.setAttribute('aria-expanded', 'false');
      return;
    }
    var file = data.files[Number(button.getAttribute('data-index'))];
    var absolute = row.querySelector('a.open').getAttribute('data-file');
    var details = text('tr', 'details');
    var cell = document.createElement('td');
    cell.colSpan = row.children.length;
    cell.appendChild(findingList(file, absolute));
    details.appendChild(cell);
    row.after(details);
    button.setAttribute('aria-expanded', 'true');
  }

  // -- sorting and filtering ---------------------------------------------------------------------
  var table = document.getElementById('file-table');
  function collapseAll() {
    if (!table) return;
    table.querySelectorAll('tr.details').forEach(function (row) { row.remove(); });
    table.querySelectorAll('button.expand').forEach(function (b) { b.setAttribute('aria-expanded', 'false'); });
  }

  function sortBy(header) {
    var key = header.getAttribute('data-sort');
    var numeric = header.getAttribute('data-kind') === 'num';
    var descending = header.getAttribute('aria-sort') !== 'descending';
    if (!numeric && !header.hasAttribute('aria-sort')) descending = false;
    table.querySelectorAll('th[data-sort]').forEach(function (th) { th.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
    collapseAll();
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.querySelectorAll('tr.file'));
    rows.sort(function (a, b) {
      var x = a.getAttribute('data-' + key);
      var y = b.getAttribute('data-' + key);
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (order === 0) order = a.getAttribute('data-path').localeCompare(b.getAttribute('data-path'));
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilter() {
    var needle = document.getElementById('filter').value.toLowerCase();
    var onlyOpen = document.getElementById('only-open').checked;
    collapseAll();
    table.querySelectorAll('tr.file').forEach(function (row) {
      var show = row.getAttribute('data-path').toLowerCase().indexOf(needle) >= 0 &&
        (!onlyOpen || Number(row.getAttribute('data-findings')) > 0);
      row.hidden = !show;
    });
  }

  if (table) {
    table.querySelectorAll('th[data-sort]').forEach(function (th) {
      th.addEventListener('click', function () { sortBy(th); });
      th.addEventListener('keydown', function (event) { if (event.key === 'Enter') sortBy(th); });
    });
    document.getElementById('filter').addEventListener('input', applyFilter);
    document.getElementById('only-open').addEventListener('change', applyFilter);
  }

  // -- clicks: expand, copy, treemap tiles, links inside VS Code ---------------------------------
  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var expand = target.closest('button.expand');
    if (expand) { toggle(expand); return; }
    var copy = target.closest('button.copy');
    if (copy) {
      var value = copy.getAttribute('data-copy');
      var done = function () { copy.textContent = 'Copied'; setTimeout(function () { copy.textContent = 'Copy'; }, 1500); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(value).then(done, function () { copy.textContent = 'Select it'; });
      }
      return;
    }
    var tile = target.closest('.tile');
    if (tile && table) {
      var path = tile.getAttribute('data-path');
      var row = table.querySelector('tr.file[data-path="' + CSS.escape(path) + '"]');
      if (row) {
        row.hidden = false;
        row.scrollIntoView({ block: 'center' });
        row.classList.remove('flash');
        void row.offsetWidth;
        row.classList.add('flash');
      }
      return;
    }
    var link = target.closest('a[data-file]');
    if (link && vscodeApi) {
      event.preventDefault();
      vscodeApi.postMessage({ type: 'open', file: link.getAttribute('data-file'), line: Number(link.getAttribute('data-line')) });
    }
  });
})();
