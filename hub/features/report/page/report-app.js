// The staff report page (served by the hub, no build step; CSP: script-src 'self', so no inline script). Signs in,
// fills the filters from /staff/api/options, draws the summary /staff/api/report answers first (cards, weekly chart with
// Chart.js from the hub's own node_modules, worst questions, per lesson, per school), then per-class rows from
// /staff/api/report/classes when the user opens a lesson or school (or narrows the filter), a page at a time. Tables
// are made with textContent only (names come from classrooms: never parsed as HTML).
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
    $('password').hidden = true;
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

  function query(extra) {
    const data = new FormData($('filters'));
    const params = new URLSearchParams();
    for (const [k, v] of data) if (typeof v === 'string' && v !== '') params.set(k, v);
    for (const [k, v] of Object.entries(extra || {})) params.set(k, String(v));
    const text = params.toString();
    return text ? `?${text}` : '';
  }

  // The summary first (small whatever the selection); per-class rows only when asked for, a page at a time.
  let summary = null;
  let shownLessons = 20;
  let shownSchools = 50;
  let detail = null; // { scope: {lessonId|schoolId|…}, page }
  let retry = null;
  const attendanceLine = (a) => (a.taken ? `出勤 ${a.arrived}/${a.expected} · 迟到 ${a.late} · 缺勤 ${a.absent} · 请假 ${a.leave}` : '未考勤');

  async function load() {
    const q = query();
    $('export-xlsx').href = `/staff/api/report.xlsx${q}`;
    $('export-csv').href = `/staff/api/report.csv${q}`;
    $('status').textContent = '加载中…';
    clearTimeout(retry);
    try {
      summary = await api(`/staff/api/report${q}`);
      shownLessons = 20;
      shownSchools = 50;
      render();
      const t = summary.totals;
      $('status').textContent = `共 ${t.lessons} 节课、${t.classes} 个班级记录`;
      if (summary.pending > 0) {
        // Pushes the hub is still adding up (or an upgraded hub's first pass): say so, and ask again shortly.
        $('status').append(el('span', `（还有 ${summary.pending} 个班级课次正在汇总，稍后自动刷新）`, 'pending'));
        retry = setTimeout(() => void load(), 5000);
      }
      const form = $('filters').elements;
      const narrowed = ['lessonId', 'schoolId', 'classroomId'].find((k) => form[k].value !== '');
      if (narrowed) await loadDetail({}, 1);
      else resetDetail();
    } catch (error) {
      if (error.code === 'unauthorized') return showLogin('登录已过期，请重新登录');
      $('status').textContent = `加载失败：${error.message}`;
    }
  }

  function render() {
    const t = summary.totals;
    $('cards').replaceChildren(
      ...[
        ['课', t.lessons],
        ['班级记录', t.classes],
        ['出勤率', pct(t.attended, t.takenRoster)],
        ['随堂测正确率', pct(t.correct, t.answered)],
        ['需要辅导（人次）', t.needHelp],
      ].map(([label, value]) => {
        const card = el('div', label, 'card');
        card.prepend(el('b', value));
        return card;
      }),
    );
    drawChart(summary.weeks);
    const worst = summary.worstQuestions.map((q) => row([`${chinaTime(q.startsAt).slice(5)} ${q.title}`, el('td', q.prompt, 'wrap'), pct(q.correct, q.answered), `${q.classesWrong}/${q.classes}`, detailButton({ lessonId: q.lessonId })]));
    table($('worst'), ['课', '题目', '正确率', '答错多的班级', ''], worst);
    renderLessons();
    renderSchools();
  }

  function detailButton(scope) {
    const td = el('td');
    const button = el('button', '查看各班');
    button.type = 'button';
    button.addEventListener('click', () => void loadDetail(scope, 1));
    td.append(button);
    return td;
  }

  function drawChart(weeks) {
    const data = {
      labels: weeks.map((w) => `${w.week.slice(5)} 周`),
      datasets: [
        { label: '出勤率（%）', data: weeks.map((w) => ratio(w.attended, w.takenRoster)), borderColor: '#1f4e79', backgroundColor: '#1f4e79' },
        { label: '随堂测正确率（%）', data: weeks.map((w) => ratio(w.correct, w.answered)), borderColor: '#c0392b', backgroundColor: '#c0392b' },
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

  function renderLessons() {
    const target = $('lessons');
    target.replaceChildren();
    const withQuiz = summary.lessons.filter((l) => l.questions.length > 0);
    if (withQuiz.length === 0) target.append(el('p', '所选范围内没有随堂测数据'));
    for (const l of withQuiz.slice(0, shownLessons)) {
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
      const actions = el('div', undefined, 'actions');
      actions.append(el('span', l.needHelp > 0 ? `需要辅导：${l.needHelp} 人次` : '无需要辅导的学生', l.needHelp > 0 ? 'help' : ''), detailButton({ lessonId: l.lessonId }).firstChild);
      box.append(scroll, actions);
      target.append(box);
    }
    $('more-lessons').hidden = withQuiz.length <= shownLessons;
  }

  function renderSchools() {
    const rows = summary.schools.slice(0, shownSchools).map((s) => row([s.school, String(s.classes), pct(s.attended, s.takenRoster), pct(s.correct, s.answered), String(s.needHelp), detailButton({ schoolId: s.schoolId })]));
    table($('schools'), ['学校', '班级记录', '出勤率', '正确率', '需要辅导（人次）', ''], rows);
    $('more-schools').hidden = summary.schools.length <= shownSchools;
  }

  const DETAIL_HINT = $('detail-status').textContent;
  function resetDetail() {
    detail = null;
    $('detail-body').hidden = true;
    $('detail-title').textContent = '各班各课明细';
    $('detail-status').textContent = DETAIL_HINT;
  }

  async function loadDetail(scope, page) {
    detail = { scope, page };
    $('detail-status').textContent = '加载中…';
    try {
      const got = await api(`/staff/api/report/classes${query({ ...scope, page })}`);
      if (detail.scope !== scope || detail.page !== page) return; // a newer request won
      renderDetail(got);
      $('detail').scrollIntoView({ block: 'start' });
    } catch (error) {
      if (error.code === 'unauthorized') return showLogin('登录已过期，请重新登录');
      $('detail-status').textContent = `加载失败：${error.message}`;
    }
  }

  function renderDetail(got) {
    const [first] = got.rows;
    $('detail-title').textContent = detail.scope.lessonId && first ? `各班明细：${first.subject} · ${first.title}` : detail.scope.schoolId && first ? `各班明细：${first.school}` : '各班各课明细';
    $('detail-status').textContent = `共 ${got.total} 个班级记录`;
    $('detail-body').hidden = false;
    table($('rows'), ['时间（北京时间）', '课程', '班级', '考勤', '随堂测正确率', '需要辅导'], got.rows.map((r) =>
      row([
        chinaTime(r.startsAt),
        `${r.subject} · ${r.title}`,
        `${r.school} ${r.classroom}`,
        el('td', attendanceLine(r.attendance), r.attendance.taken ? '' : 'not-taken'),
        r.quiz ? `${pct(r.quiz.correct, r.quiz.answered)}（${r.quiz.correct}/${r.quiz.answered}）` : '—',
        el('td', r.needHelp.join('、') || '—', 'wrap help'),
      ]),
    ));
    $('page-info').textContent = `第 ${got.page}/${got.pages} 页`;
    $('prev-page').disabled = got.page <= 1;
    $('next-page').disabled = got.page >= got.pages;
    renderWeeks($('class-block'), $('class-trends'), '班级', got.classWeeks, (w) => w.classroomId, (w) => `${w.school} ${w.classroom}`, (w) => `出勤 ${pct(w.attended, w.takenRoster)} · 正确 ${pct(w.correct, w.answered)}`);
    renderWeeks($('student-block'), $('student-trends'), '学生', got.studentWeeks, (w) => w.studentId, (w) => w.name, (w) => pct(w.correct, w.answered));
  }

  function renderWeeks(block, target, head, items, id, name, cell) {
    block.hidden = items.length === 0;
    const weeks = [...new Set(items.map((w) => w.week))].sort();
    const byId = new Map();
    for (const w of items) {
      const x = byId.get(id(w)) || { name: name(w), weeks: new Map() };
      x.weeks.set(w.week, w);
      byId.set(id(w), x);
    }
    table(target, [head, ...weeks.map((w) => `${w} 周`)], [...byId.values()].map((x) => row([x.name, ...weeks.map((week) => (x.weeks.has(week) ? cell(x.weeks.get(week)) : '—'))])));
  }

  const more = (id, grow) => $(id).addEventListener('click', grow);
  more('more-lessons', () => { shownLessons += 20; renderLessons(); });
  more('more-schools', () => { shownSchools += 50; renderSchools(); });
  $('prev-page').addEventListener('click', () => detail && void loadDetail(detail.scope, detail.page - 1));
  $('next-page').addEventListener('click', () => detail && void loadDetail(detail.scope, detail.page + 1));
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
  // 修改密码: other sessions of the account end on the hub; this page stays signed in.
  $('password-toggle').addEventListener('click', () => {
    $('password').hidden = !$('password').hidden;
    $('password-toggle').setAttribute('aria-expanded', String(!$('password').hidden));
  });
  $('password-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target;
    const data = new FormData(form);
    $('password-error').textContent = '';
    $('password-done').textContent = '';
    if (data.get('newPassword') !== data.get('repeat')) {
      $('password-error').textContent = '两次输入的新密码不一样';
      return;
    }
    if (data.get('newPassword') === data.get('currentPassword')) {
      $('password-error').textContent = '新密码不能和当前密码一样';
      return;
    }
    api('/staff/api/password', { method: 'POST', body: JSON.stringify({ currentPassword: data.get('currentPassword'), newPassword: data.get('newPassword') }) }).then(
      (done) => {
        form.reset();
        $('password-done').textContent = done.otherSessionsEnded > 0 ? `密码已修改，其他 ${done.otherSessionsEnded} 处登录已退出` : '密码已修改';
      },
      (error) => {
        if (error.code === 'unauthorized') return showLogin('登录已过期，请重新登录');
        $('password-error').textContent =
          // forbidden is also a stale page's CSRF token or a change made meanwhile: only the wrong password says so.
          error.code === 'forbidden' && error.message === 'wrong current password' ? '当前密码不对' : error.code === 'rate_limited' ? `失败次数太多，请稍后再试（${error.message}）` : error.code === 'bad_request' ? `新密码不符合要求：${error.message}` : `没有修改：${error.message}`;
      },
    );
  });
  $('logout').addEventListener('click', () => {
    api('/staff/api/logout', { method: 'POST', body: '{}' }).then(() => showLogin('已退出登录'), (error) => showLogin(`退出失败：${error.message}`));
  });
  void start();
})();
