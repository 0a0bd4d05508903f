'use strict';
/*
 * The live dashboard. It polls the queries the services already answer, and nothing else:
 * GET /averages (every column, from whichever topology instance holds it), GET /metrics (this
 * server's counters, for the rates and the dead-letter reasons), GET /health, and for the chosen
 * column GET /windows/{column}?from=&to= (a JSON array of WindowStats). Expected answers that are
 * not 200 (a 503 while the topology rebalances, a server without /windows) become notes on the
 * page; only a bug in this file reaches the console.
 */
(() => {
  const POLL_MS = 1000;
  const WINDOWS_POLL_MS = 5000;
  // While this server has no /windows route ask rarely: Chromium logs every 404 it is answered.
  const WINDOWS_ABSENT_RETRY_MS = 30000;
  // Rates are taken over this span, so one late poll does not make them jump.
  const RATE_SPAN_MS = 5000;
  const HOUR_MS = 3600 * 1000;
  const CHART_HEIGHT = 300;
  const SERVICES = ['broker', 'bridge', 'topology', 'sink'];
  const REJECTED = ['streamavg_topology_lines_rejected_total', 'streamavg_bridge_lines_rejected_total'];
  const SHOWN_REASONS = 6;

  const $ = id => document.getElementById(id);

  /** The server did not answer at all (stopped, restarting): shown, not thrown. */
  class Unreachable extends Error {}

  async function get(url, as) {
    try {
      const response = await fetch(url, {cache: 'no-store', headers: {Accept: as === 'json' ? 'application/json' : 'text/plain'}});
      const text = await response.text();
      let body = text;
      if (as === 'json') {
        try {
          body = JSON.parse(text);
        } catch (notJson) {
          body = null;
        }
      }
      return {status: response.status, body};
    } catch (e) {
      throw new Unreachable(`${url}: ${e.message}`);
    }
  }

  // Seven significant digits: more than a person compares, fewer than a double holds. The exact
  // value is in the cell's data-value and title.
  function formatNumber(value) {
    if (typeof value === 'string') {
      return value === 'Infinity' ? '∞' : value === '-Infinity' ? '−∞' : value;
    }
    if (value === 0) {
      return '0';
    }
    const magnitude = Math.abs(value);
    return magnitude >= 1e7 || magnitude < 1e-4 ? value.toExponential(6) : value.toPrecision(7);
  }

  const two = n => String(n).padStart(2, '0');

  function clock(ms) {
    const d = new Date(ms);
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }

  function note(id, text) {
    const element = $(id);
    element.hidden = !text;
    element.textContent = text || '';
  }

  // ---- the table of every column ----

  const FIELDS = ['count', 'mean', 'min', 'max', 'stddev'];
  /** column -> {tr, cells, count, changedAt, flashTimer} */
  const rows = new Map();

  function newRow(column) {
    const tr = document.createElement('tr');
    tr.dataset.column = column;
    const head = document.createElement('th');
    head.scope = 'row';
    head.textContent = column;
    tr.append(head);
    const cells = {};
    for (const field of [...FIELDS, 'updated']) {
      const td = document.createElement('td');
      td.className = 'num';
      td.dataset.field = field;
      tr.append(td);
      cells[field] = td;
    }
    cells.updated.title = 'when this page last saw the column\'s count change';
    tr.addEventListener('click', () => chooseColumn(column));
    return {tr, cells, count: null, changedAt: null, flashTimer: null};
  }

  const FLASH_MS = 700;

  /** Marks a row whose count just changed, for a moment. */
  function flash(row) {
    row.tr.classList.add('changed');
    clearTimeout(row.flashTimer);
    row.flashTimer = setTimeout(() => row.tr.classList.remove('changed'), FLASH_MS);
  }

  function renderAverages(answer) {
    if (answer.status !== 200 || !Array.isArray(answer.body)) {
      const why = answer.body && answer.body.error ? answer.body.error : `GET /averages answered ${answer.status}`;
      note('averages-note', `Statistics unavailable right now (${why}); retrying every second. The table shows the last answer.`);
      return;
    }
    const list = answer.body;
    note('averages-note', list.length === 0 ? 'No statistics yet: write CSV lines to the bridge, e.g. printf \'1,2,3\\n\' | nc -N localhost 9999' : '');
    const tbody = $('averages').tBodies[0];
    const now = Date.now();
    const seen = new Set();
    list.forEach((stats, index) => {
      seen.add(stats.column);
      let row = rows.get(stats.column);
      if (!row) {
        row = newRow(stats.column);
        rows.set(stats.column, row);
      }
      if (tbody.children[index] !== row.tr) {
        tbody.insertBefore(row.tr, tbody.children[index] || null);
      }
      if (row.count !== stats.count) {
        if (row.count !== null) {
          flash(row);
        }
        row.count = stats.count;
        row.changedAt = now;
      }
      for (const field of FIELDS) {
        const text = field === 'count' ? String(stats.count) : formatNumber(stats[field]);
        const cell = row.cells[field];
        if (cell.textContent !== text) {
          cell.textContent = text;
        }
        cell.dataset.value = String(stats[field]);
        cell.title = String(stats[field]);
      }
      row.cells.updated.textContent = clock(row.changedAt);
      row.tr.classList.toggle('selected', stats.column === $('column-select').value);
    });
    for (const [column, row] of rows) {
      if (!seen.has(column)) {
        row.tr.remove();
        rows.delete(column);
      }
    }
    offerColumns(list.map(stats => stats.column));
  }

  // ---- rates, dead letters and health, from /metrics and /health ----

  const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
  const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

  function parseMetrics(text) {
    const samples = [];
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) {
        continue;
      }
      const match = SAMPLE.exec(line);
      if (!match) {
        continue;
      }
      const labels = {};
      for (const label of (match[2] || '').matchAll(LABEL)) {
        labels[label[1]] = label[2];
      }
      samples.push({name: match[1], labels, value: Number(match[3])});
    }
    return samples;
  }

  const total = (samples, name) => samples.filter(s => s.name === name).reduce((sum, s) => sum + s.value, 0);

  /** {t, linesIn, dlq}, oldest first, spanning a little more than RATE_SPAN_MS. */
  let history = [];
  /** reason -> {count, changedAt} */
  const reasons = new Map();
  let servicesServed = [];

  function rate(field) {
    if (history.length < 2) {
      return null;
    }
    const first = history[0];
    const last = history[history.length - 1];
    return (last[field] - first[field]) / ((last.t - first.t) / 1000);
  }

  const formatRate = value => value === null ? '–' : value < 10 ? value.toFixed(1) : String(Math.round(value));

  function renderMetrics(answer) {
    if (answer.status !== 200) {
      return;
    }
    const samples = parseMetrics(answer.body);
    servicesServed = SERVICES.filter(name => samples.some(s => s.name.startsWith(`streamavg_${name}_`)));
    // The bridge counts what Kafka acknowledged; a topology on its own counts what it read.
    const fromBridge = servicesServed.includes('bridge');
    const linesIn = fromBridge
        ? total(samples, 'streamavg_bridge_lines_published_total')
        : total(samples, 'streamavg_topology_lines_parsed_total') + total(samples, 'streamavg_topology_lines_rejected_total');
    const byReason = new Map();
    for (const s of samples) {
      if (REJECTED.includes(s.name) && s.value > 0) {
        const reason = s.labels.reason || 'unknown';
        byReason.set(reason, (byReason.get(reason) || 0) + s.value);
      }
    }
    const dlq = [...byReason.values()].reduce((sum, n) => sum + n, 0);

    const now = Date.now();
    const last = history[history.length - 1];
    if (last && (linesIn < last.linesIn || dlq < last.dlq)) {
      history = []; // the server restarted: its counters began again
    }
    history.push({t: now, linesIn, dlq});
    while (history.length > 2 && history[1].t <= now - RATE_SPAN_MS) {
      history.shift();
    }
    $('lines-rate').textContent = formatRate(rate('linesIn'));
    $('lines-total').textContent = String(linesIn);
    $('lines-source').textContent = fromBridge ? 'acknowledged by Kafka from the bridge' : 'read by the topology';
    $('dlq-rate').textContent = formatRate(rate('dlq'));
    $('dlq-total').textContent = String(dlq);

    for (const [reason, count] of byReason) {
      const known = reasons.get(reason);
      if (!known || known.count !== count) {
        reasons.set(reason, {count, changedAt: now});
      }
    }
    const latest = [...reasons.entries()].filter(([reason]) => byReason.has(reason))
        .sort((a, b) => b[1].changedAt - a[1].changedAt || b[1].count - a[1].count).slice(0, SHOWN_REASONS);
    const list = $('dlq-reasons');
    if (latest.length === 0) {
      list.replaceChildren(item('no line rejected'));
    } else {
      list.replaceChildren(...latest.map(([reason, seen]) => {
        const li = item(`${reason}: ${seen.count}, last at ${clock(seen.changedAt)}`);
        li.dataset.reason = reason;
        return li;
      }));
    }
  }

  function item(text) {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }

  function renderHealth(answer) {
    const ok = answer.status === 200;
    const reason = answer.body && answer.body.reason ? answer.body.reason : `GET /health answered ${answer.status}`;
    const badge = $('overall');
    badge.className = `badge ${ok ? 'up' : 'down'}`;
    badge.textContent = ok ? 'ready' : 'not ready';
    // local reports its parts as "topology: Kafka Streams is REBALANCING; sink: …"; a service on its own, one reason.
    const down = new Map();
    if (!ok) {
      for (const part of reason.split('; ')) {
        const colon = part.indexOf(': ');
        if (colon > 0 && SERVICES.includes(part.slice(0, colon))) {
          down.set(part.slice(0, colon), part.slice(colon + 2));
        }
      }
    }
    const shown = SERVICES.filter(name => servicesServed.includes(name) || down.has(name));
    const unnamed = !ok && down.size === 0;
    $('services').replaceChildren(...shown.map(name => {
      const why = down.get(name) || (unnamed ? reason : null);
      const li = item(why ? `${name}: ${why}` : `${name}: ready`);
      li.className = why ? 'down' : 'up';
      li.dataset.service = name;
      return li;
    }));
    $('health-reason').textContent = ok ? '' : unnamed ? '' : reason;
  }

  function renderUnreachable(why) {
    const badge = $('overall');
    badge.className = 'badge down';
    badge.textContent = 'server unreachable';
    badge.title = why;
  }

  async function refresh() {
    try {
      const [averages, metrics, health] = await Promise.all([get('/averages', 'json'), get('/metrics', 'text'), get('/health', 'json')]);
      renderMetrics(metrics);
      renderHealth(health);
      renderAverages(averages);
      $('refreshed').textContent = `updated ${clock(Date.now())}`;
    } catch (e) {
      if (!(e instanceof Unreachable)) {
        throw e;
      }
      renderUnreachable(e.message);
    } finally {
      setTimeout(refresh, POLL_MS);
    }
  }

  // ---- the chart of the chosen column's windows ----

  let plot = null;
  let plotColumn = null;
  let windowsTimer = null;
  let windowsAsked = 0;

  function offerColumns(columns) {
    const select = $('column-select');
    const offered = [...select.options].map(option => option.value);
    if (offered.join('\u0000') === columns.join('\u0000')) {
      return;
    }
    const chosen = select.value;
    select.replaceChildren(...columns.map(column => new Option(column, column)));
    if (columns.includes(chosen)) {
      select.value = chosen;
    } else if (columns.length > 0) {
      chooseColumn(columns[0]);
    }
  }

  function chooseColumn(column) {
    $('column-select').value = column;
    for (const [name, row] of rows) {
      row.tr.classList.toggle('selected', name === column);
    }
    scheduleWindows(0);
  }

  function scheduleWindows(delay) {
    clearTimeout(windowsTimer);
    windowsTimer = setTimeout(pollWindows, delay);
  }

  async function pollWindows() {
    const column = $('column-select').value;
    if (!column) {
      note('chart-note', 'The chart starts with the first line.');
      return; // offerColumns asks again once there is a column
    }
    const asked = ++windowsAsked;
    const to = new Date();
    const from = new Date(to.getTime() - HOUR_MS);
    let answer;
    try {
      answer = await get(`/windows/${encodeURIComponent(column)}?from=${from.toISOString()}&to=${to.toISOString()}`, 'json');
    } catch (e) {
      if (!(e instanceof Unreachable)) {
        throw e;
      }
      scheduleWindows(WINDOWS_POLL_MS);
      return;
    }
    if (asked !== windowsAsked) {
      return; // another column was chosen meanwhile, and asked for
    }
    let next = WINDOWS_POLL_MS;
    if (answer.status === 200 && Array.isArray(answer.body)) {
      drawChart(column, answer.body);
    } else if (answer.status === 404 && !(answer.body && typeof answer.body.error === 'string')) {
      // Not the route's own 404 (which says which column): this server has no /windows route.
      clearChart();
      note('chart-note', 'This server does not serve windowed statistics (GET /windows/{column} answered 404): '
          + 'the chart appears once it does. The table above is live.');
      next = WINDOWS_ABSENT_RETRY_MS;
    } else {
      clearChart();
      const why = answer.body && answer.body.error ? answer.body.error : `answered ${answer.status}`;
      note('chart-note', `No windows of column ${column} right now (${why}).`);
    }
    scheduleWindows(next);
  }

  function clearChart() {
    if (plot) {
      plot.destroy();
      plot = null;
      plotColumn = null;
    }
    $('chart').dataset.points = '0';
  }

  function drawChart(column, windows) {
    const chart = $('chart');
    const sorted = windows.filter(w => w.column === column)
        .sort((a, b) => Date.parse(a.windowStart) - Date.parse(b.windowStart));
    if (sorted.length === 0) {
      clearChart();
      note('chart-note', `No window of column ${column} in the last hour.`);
      return;
    }
    if (typeof uPlot === 'undefined') {
      note('chart-note', 'The chart library did not load (/vendor/uplot/dist/uPlot.iife.min.js).');
      return;
    }
    note('chart-note', '');
    const data = [
      sorted.map(w => Date.parse(w.windowStart) / 1000),
      sorted.map(w => w.min),
      sorted.map(w => w.mean),
      sorted.map(w => w.max),
    ];
    if (plot && plotColumn === column) {
      plot.setData(data);
    } else {
      clearChart();
      chart.dataset.points = String(sorted.length); // shows the chart's box before it is measured
      plot = new uPlot(chartOptions(column, chartWidth()), data, chart);
      plotColumn = column;
    }
    chart.dataset.points = String(sorted.length);
  }

  function chartOptions(column, width) {
    const shown = (u, value) => value == null ? '–' : formatNumber(value);
    const edge = 'rgba(31, 111, 235, 0.45)';
    return {
      width,
      height: CHART_HEIGHT,
      // The hour asked for, not the data's own extent: uPlot widens a lone window's instant to years.
      scales: {x: {time: true, range: () => {
        const now = Date.now() / 1000;
        $('chart').dataset.span = String(HOUR_MS / 1000); // for the browser test: the axis drawn
        return [now - HOUR_MS / 1000, now];
      }}},
      series: [
        {label: 'window start'},
        {label: 'min', stroke: edge, width: 1, value: shown, points: {show: false}},
        {label: `mean of column ${column}`, stroke: '#1f6feb', width: 2, value: shown, points: {show: true, size: 5}},
        {label: 'max', stroke: edge, width: 1, value: shown, points: {show: false}},
      ],
      bands: [{series: [3, 1], fill: 'rgba(31, 111, 235, 0.12)'}],
    };
  }

  // The chart's box is hidden while it has no points, so its section gives the width.
  const chartWidth = () => Math.max($('chart').parentElement.clientWidth - 2, 300);

  window.addEventListener('resize', () => {
    if (plot) {
      plot.setSize({width: chartWidth(), height: CHART_HEIGHT});
    }
  });
  $('column-select').addEventListener('change', event => chooseColumn(event.target.value));

  note('chart-note', 'The chart starts with the first line.');
  refresh();
})();
