// 联合教研 page (no build step; CSP script-src 'self'): a lesson's 二次备课 notes from every receiving classroom, side
// by side (stacked on a phone), each with the lead side's replies; reply or mark 优秀做法 (CSRF token in a header),
// and take one's own back (撤回 / 取消优秀; a county admin any): it stays listed to them as 已撤回.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  let csrf = '';
  const chinaTime = (iso) => new Date(Date.parse(iso) + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' ');
  const anchorZh = (a) => (a.kind === 'time' ? `视频 ${Math.floor(a.seconds / 60)}:${String(Math.floor(a.seconds % 60)).padStart(2, '0')}` : a.kind === 'page' ? `第 ${a.page} 页` : `环节：${a.section}`);
  const el = (tag, text, cls) => {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  };
  async function api(path, init) {
    const res = await fetch(path, { credentials: 'same-origin', ...init, headers: { 'content-type': 'application/json', 'x-csrf-token': csrf } });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const error = new Error((body && body.error && body.error.message) || `HTTP ${res.status}`);
      error.code = body && body.error && body.error.code;
      throw error;
    }
    return body;
  }

  async function start() {
    try {
      const { me, csrfToken } = await api('/staff/api/me');
      csrf = csrfToken;
      $('who-name').textContent = me.displayName;
      const { lessons } = await api('/staff/api/research/lessons');
      for (const l of lessons) {
        const option = el('option', `${chinaTime(l.startsAt)} ${l.subject} · ${l.title}（${l.notes} 条笔记）`);
        option.value = l.lessonId;
        $('lesson-select').append(option);
      }
      const wanted = new URLSearchParams(location.search).get('lesson');
      if (wanted) $('lesson-select').value = wanted;
      if ($('lesson-select').value) await show($('lesson-select').value);
      else $('status').textContent = lessons.length ? '请选择一节课' : '还没有接收学校的备课笔记';
    } catch (error) {
      if (error.code === 'unauthorized') location.href = '/staff';
      else $('status').textContent = `无法打开：${error.message}`;
    }
  }

  async function show(lessonId) {
    $('status').textContent = '加载中…';
    const lesson = await api(`/staff/api/research/lessons/${encodeURIComponent(lessonId)}`);
    $('lesson-title').textContent = `${chinaTime(lesson.startsAt)} ${lesson.subject} · ${lesson.title}`;
    $('columns').replaceChildren(...lesson.classrooms.map((c) => column(c, lessonId)));
    $('status').textContent = `${lesson.classrooms.length} 个接收班级`;
  }

  function column(classroom, lessonId) {
    const box = el('section', undefined, 'column');
    box.dataset.classroom = classroom.id;
    box.append(el('h3', `${classroom.school} ${classroom.name}`));
    if (classroom.notes.length === 0) box.append(el('p', '没有备课笔记', 'muted'));
    for (const note of classroom.notes) {
      const item = el('div', undefined, 'note');
      item.dataset.note = note.noteId;
      const anchor = el('div', anchorZh(note.anchor), 'anchor');
      if (note.pause) anchor.append(el('span', '暂停点', 'tag'));
      if (note.feedback.some((f) => f.kind === 'good' && !f.withdrawnAt)) anchor.append(el('span', '优秀做法', 'tag good'));
      item.append(anchor, el('p', note.text));
      const problem = el('p', '', 'error');
      for (const f of note.feedback) item.append(feedbackLine(f, lessonId, problem));
      const form = el('form', undefined, 'reply');
      const text = el('textarea');
      text.maxLength = 2000;
      text.placeholder = '回复这位老师…';
      text.setAttribute('aria-label', '回复');
      const send = el('button', '回复');
      send.type = 'submit';
      const good = el('button', '标为优秀做法');
      good.type = 'button';
      const actions = el('div', undefined, 'actions');
      actions.append(send, good);
      form.append(text, actions, problem);
      const post = (kind) =>
        api(`/staff/api/research/notes/${encodeURIComponent(note.noteId)}/feedback`, { method: 'POST', body: JSON.stringify({ kind, text: text.value }) }).then(
          () => show(lessonId),
          (error) => (problem.textContent = `没有发出：${error.message}`),
        );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (text.value.trim() === '') problem.textContent = '请先写回复';
        else void post('reply');
      });
      good.addEventListener('click', () => void post('good'));
      item.append(form);
      box.append(item);
    }
    return box;
  }

  /** One reply or mark; the account's own (or, for a county admin, any) with its 撤回 / 取消优秀 button, or 已撤回. */
  function feedbackLine(f, lessonId, problem) {
    const line = el('div', undefined, `feedback ${f.kind}${f.withdrawnAt ? ' withdrawn' : ''}`);
    line.dataset.feedback = f.id;
    line.append(el('span', f.kind === 'good' ? `${f.author} 标为优秀做法${f.text ? `：${f.text}` : ''}` : `${f.author}：${f.text}`));
    if (f.withdrawnAt) line.append(el('span', `已撤回 ${chinaTime(f.withdrawnAt).slice(5)}`, 'tag muted'));
    else if (f.canWithdraw) {
      const undo = el('button', f.kind === 'good' ? '取消优秀' : '撤回', 'undo');
      undo.type = 'button';
      undo.addEventListener('click', () => {
        undo.disabled = true;
        api(`/staff/api/research/feedback/${encodeURIComponent(f.id)}/withdraw`, { method: 'POST', body: '{}' })
          .then(() => show(lessonId))
          .then(
            () => ($('status').textContent = f.kind === 'good' ? '已取消优秀做法，各接收班级同步后不再显示' : '已撤回回复，该班级同步后不再显示'),
            (error) => {
              undo.disabled = false;
              problem.textContent = `没有撤回：${error.message}`;
            },
          );
      });
      line.append(undo);
    }
    return line;
  }

  $('lesson-select').addEventListener('change', () => {
    if ($('lesson-select').value) void show($('lesson-select').value).catch((error) => ($('status').textContent = `加载失败：${error.message}`));
  });
  void start();
})();
