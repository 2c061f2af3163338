// The staff report page (served by the hub, no build step; CSP: script-src 'self', so no inline script). Signs in,
// fills the filters from /staff/api/options, draws /staff/api/report with Chart.js (from the hub's own node_modules)
// and tables made with textContent only (names come from classrooms: never parsed as HTML).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  let csrf = '';
  let chart = null;
  const pct = (part, whole) => (whole > 0 ? `${Math.round((100 * part) / whole)}%` : '—');
  const ratio = (part, whole) => (whole > 0 ? Math.round((1000 * part) / whole) / 10 : null);
  const chinaTime = (iso) => new Date(Date.parse(iso) + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' ');
  const roleZh = { county: '县级管理员', lead: '引领学校教师', head: '接收学校校长' };

  async function api(path, init) {
    const res = await fetch(path, { credentials: 'same-origin', ...init, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, ...(init && init.headers) } });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const error = new Error((body && body.error && body.error.message) || `HTTP ${res.status}`);
      error.code = body && body.error && body.error.code;
      throw error;
    }
    return body;
  }

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function table(target, head, rows) {
    target.replaceChildren();
    const thead = el('thead');
    const tr = el('tr');
    for (const h of head) tr.append(el('th', h));
    thead.append(tr);
    const tbody = el('tbody');
    for (const row of rows) tbody.append(row);
    if (rows.length === 0) {
      const empty = el('tr');
      const td = el('td', '暂无数据');
      td.colSpan = head.length;
      empty.append(td);
      tbody.append(empty);
    }
    target.append(thead, tbody);
  }
  function row(cells, cls) {
    const tr = el('tr', undefined, cls);
    for (const c of cells) tr.append(c instanceof Node ? c : el('td', c));
    return tr;
  }

  function showLogin(message) {
    $('login').hidden = false;
    $('report').hidden = true;
    $('who').hidden = true;
    $('login-error').textContent = message || '';
  }

  async function start() {
    try {
      const { me, csrfToken } = await api('/staff/api/me');
      csrf = csrfToken;
      $('who-name').textContent = `${me.displayName}（${roleZh[me.role] || me.role}）`;
      $('who').hidden = false;
      $('login').hidden = true;
      $('report').hidden = false;
      await fillOptions();
      await load();
    } catch (error) {
      showLogin(error.code === 'unauthorized' ? '' : `无法打开报告：${error.message}`);
    }
  }

  async function fillOptions() {
    const options = await api('/staff/api/options');
    const form = $('filters');
    const fill = (name, items, label) => {
      const select = form.elements[name];
      for (const item of items) {
        const option = el('option', label(item));
        option.value = item.id;
        select.append(option);
      }
    };
    fill('courseId', options.courses, (c) => `${c.subject} · ${c.teacher}`);
    fill('lessonId', options.lessons, (l) => `${chinaTime(l.startsAt).slice(5)} ${l.title}`);
    fill('schoolId', options.schools, (s) => s.name);
    fill('classroomId', options.classrooms, (c) => `${(options.schools.find((s) => s.id === c.schoolId) || { name: '' }).name} ${c.name}`);
  }

  function query() {
    const data = new FormData($('filters'));
    const params = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === 'string' && v !== '') params.set(k, v);
    return params.toString();
  }

  async function load() {
    const q = query();
    $('export-xlsx').href = `/staff/api/report.xlsx${q ? `?${q}` : ''}`;
    $('export-csv').href = `/staff/api/report.csv${q ? `?${q}` : ''}`;
    $('status').textContent = '加载中…';
    try {
      const view = await api(`/staff/api/report${q ? `?${q}` : ''}`);
      render(view);
      $('status').textContent = `共 ${view.lessons.length} 节课、${view.rows.length} 个班级记录`;
    } catch (error) {
      if (error.code === 'unauthorized') return showLogin('登录已过期，请重新登录');
      $('status').textContent = `加载失败：${error.message}`;
    }
  }

  function render(view) {
    const taken = view.rows.filter((r) => r.attendance.taken);
    const arrived = taken.reduce((n, r) => n + r.attendance.arrived, 0);
    const roster = taken.reduce((n, r) => n + r.roster, 0);
    const answered = view.rows.reduce((n, r) => n + (r.quiz ? r.quiz.answered : 0), 0);
    const correct = view.rows.reduce((n, r) => n + (r.quiz ? r.quiz.correct : 0), 0);
    const help = view.rows.reduce((n, r) => n + r.needHelp.length, 0);
    $('cards').replaceChildren(
      ...[
        ['课', view.lessons.length],
        ['班级记录', view.rows.length],
        ['出勤率', pct(arrived, roster)],
        ['随堂测正确率', pct(correct, answered)],
        ['需要辅导（人次）', help],
      ].map(([label, value]) => {
        const card = el('div', label, 'card');
        card.prepend(el('b', value));
        return card;
      }),
    );
    drawChart(view);
    renderLessons(view);
    renderClassTrends(view);
    renderStudents(view);
    const rows = view.rows.slice(0, 300).map((r) =>
      row([
        chinaTime(r.startsAt),
        `${r.subject} · ${r.title}`,
        `${r.school} ${r.classroom}`,
        el('td', r.attendance.taken ? `出勤 ${r.attendance.arrived}/${r.attendance.expected} · 迟到 ${r.attendance.late} · 缺勤 ${r.attendance.absent} · 请假 ${r.attendance.leave}` : '未考勤', r.attendance.taken ? '' : 'not-taken'),
        r.quiz ? `${pct(r.quiz.correct, r.quiz.answered)}（${r.quiz.correct}/${r.quiz.answered}）` : '—',
        el('td', r.needHelp.join('、') || '—', 'wrap help'),
      ]),
    );
    table($('rows'), ['时间（北京时间）', '课程', '班级', '考勤', '随堂测正确率', '需要辅导'], rows);
  }

  function drawChart(view) {
    const weeks = [...new Set(view.classWeeks.map((w) => w.week))].sort();
    const sum = (week, f) => view.classWeeks.filter((w) => w.week === week).reduce((n, w) => n + f(w), 0);
    const data = {
      labels: weeks.map((w) => `${w.slice(5)} 周`),
      datasets: [
        { label: '出勤率（%）', data: weeks.map((w) => ratio(sum(w, (x) => x.attended), sum(w, (x) => x.takenRoster))), borderColor: '#1f4e79', backgroundColor: '#1f4e79' },
        { label: '随堂测正确率（%）', data: weeks.map((w) => ratio(sum(w, (x) => x.correct), sum(w, (x) => x.answered))), borderColor: '#c0392b', backgroundColor: '#c0392b' },
      ],
    };
    if (!window.Chart) {
      $('status').textContent = '图表库未加载';
      return;
    }
    if (chart) chart.destroy();
    chart = new window.Chart($('trend-chart'), {
      type: 'bar',
      data,
      options: {
        maintainAspectRatio: false,
        animation: false,
        locale: 'zh-CN',
        scales: { y: { min: 0, max: 100, title: { display: true, text: '百分比（%）' } }, x: { title: { display: true, text: '周（周一日期）' } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  function renderLessons(view) {
    const target = $('lessons');
    target.replaceChildren();
    const withQuiz = view.lessons.filter((l) => l.questions.length > 0).slice(0, 30);
    if (withQuiz.length === 0) target.append(el('p', '所选范围内没有随堂测数据'));
    for (const l of withQuiz) {
      const box = el('div', undefined, 'lesson');
      box.dataset.lesson = l.lessonId;
      box.append(el('h3', `${chinaTime(l.startsAt)} ${l.subject} · ${l.title}（${l.classes} 个班，出勤 ${pct(l.attended, l.takenRoster)}，正确率 ${pct(l.correct, l.answered)}）`));
      const t = el('table', undefined, 'questions');
      const rows = l.questions.map((q, i) =>
        row([String(i + 1), el('td', q.prompt, 'wrap'), pct(q.correct, q.answered), `${q.correct}/${q.answered}`, `${q.classesWrong}/${q.classes}`, q.questionId === l.hardestQuestionId ? '错得最多' : ''], q.questionId === l.hardestQuestionId ? 'hardest' : ''),
      );
      table(t, ['题号', '题目', '正确率', '答对/作答', '答错多的班级', ''], rows);
      const scroll = el('div', undefined, 'scroll');
      scroll.append(t);
      box.append(scroll);
      if (l.needHelp.length > 0) box.append(el('p', `需要辅导：${l.needHelp.map((h) => `${h.school}${h.classroom}：${h.names.join('、')}`).join('；')}`, 'help'));
      target.append(box);
    }
  }

  function renderClassTrends(view) {
    const weeks = [...new Set(view.classWeeks.map((w) => w.week))].sort();
    const classes = new Map();
    for (const w of view.classWeeks) {
      const c = classes.get(w.classroomId) || { name: `${w.school} ${w.classroom}`, weeks: new Map() };
      c.weeks.set(w.week, w);
      classes.set(w.classroomId, c);
    }
    const rows = [...classes.values()].slice(0, 300).map((c) =>
      row([c.name, ...weeks.map((week) => {
        const w = c.weeks.get(week);
        return w ? `出勤 ${pct(w.attended, w.takenRoster)} · 正确 ${pct(w.correct, w.answered)}` : '—';
      })]),
    );
    table($('class-trends'), ['班级', ...weeks.map((w) => `${w} 周`)], rows);
  }

  function renderStudents(view) {
    $('student-block').hidden = view.studentWeeks.length === 0;
    const weeks = [...new Set(view.studentWeeks.map((w) => w.week))].sort();
    const students = new Map();
    for (const w of view.studentWeeks) {
      const s = students.get(w.studentId) || { name: w.name, weeks: new Map() };
      s.weeks.set(w.week, w);
      students.set(w.studentId, s);
    }
    const rows = [...students.values()].map((s) => row([s.name, ...weeks.map((week) => {
      const w = s.weeks.get(week);
      return w ? pct(w.correct, w.answered) : '—';
    })]));
    table($('student-trends'), ['学生', ...weeks.map((w) => `${w} 周`)], rows);
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    api('/staff/api/login', { method: 'POST', body: JSON.stringify({ username: data.get('username'), password: data.get('password') }) }).then(
      () => start(),
      (error) => showLogin(error.code === 'rate_limited' ? `失败次数太多，请稍后再试（${error.message}）` : error.code === 'unauthorized' ? '用户名或密码错误' : `登录失败：${error.message}`),
    );
  });
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  $('logout').addEventListener('click', () => {
    api('/staff/api/logout', { method: 'POST', body: '{}' }).then(() => showLogin('已退出登录'), (error) => showLogin(`退出失败：${error.message}`));
  });
  void start();
})();
