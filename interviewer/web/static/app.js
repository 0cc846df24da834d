/* Mock interviewer: the single-page client of the HTTP API (no build step, no network beyond this origin).
 * Every user or server string is rendered with textContent; the charts are SVG built with DOM calls. */
"use strict";

(() => {
  const STORE_KEY = "interviewer.session.v1";
  const LANG_KEY = "interviewer.ui-lang";
  const CANDIDATE_KEY = "interviewer.candidate.v1"; // {id, token, name, created_at}: this browser's profile
  const SVG_NS = "http://www.w3.org/2000/svg";
  const CRITERIA = ["accuracy", "completeness", "depth", "clarity"];

  // ---- UI strings -------------------------------------------------------------------------------

  const I18N = {
    zh: {
      title: "模拟面试", skip_to_content: "跳到正文", ui_language: "界面语言", new_interview: "新的面试",
      dismiss: "关闭", setup_title: "开始一场模拟面试",
      setup_intro: "题目来自中文的大模型 / 机器学习面试知识库；可以用中文或英文作答。",
      topics: "主题", topics_help: "不选则从所有主题中抽题。", loading: "加载中…",
      topics_failed: "主题列表加载失败，将从所有主题中抽题。", no_topics: "暂无主题。",
      num_questions: "题目数量", language: "面试语言", mode: "模式",
      mode_practice: "练习", mode_practice_help: "每题答完给出分数和反馈",
      mode_exam: "考试", mode_exam_help: "分数在结束后的报告中统一给出",
      start: "开始面试", starting: "正在准备题目…", interview: "面试", your_answer: "你的回答",
      composer_help: "Enter 发送，Shift+Enter 换行。也可以说「提示」「跳过」「结束面试」。",
      quick_hint: "提示", quick_skip: "跳过", quick_end: "结束面试",
      quick_hint_text: "提示", quick_skip_text: "跳过",
      send: "发送", sending: "发送中…", waiting: "面试官正在思考…", finished: "面试已结束。",
      show_report: "查看报告", report: "面试报告", back_to_transcript: "返回对话记录",
      download_md: "下载 Markdown", print_report: "打印",
      you: "你", interviewer: "面试官",
      progress: "第 {i}/{n} 题 · {mode}", progress_done: "已结束 · 共 {n} 题 · {mode}",
      follow_ups_used: " · 已追问 {n} 次",
      score: "得分", out_of: "/10", grader_offline: "离线评分（要点覆盖度估计）",
      grader_fallback: "离线评分（LLM 不可用时的回退）", grader_llm: "LLM 评分",
      covered: "已覆盖的要点", missing: "遗漏的要点", none: "无", partly: "部分涉及",
      missing_spoiler: "遗漏的要点（{n} 个，可能就是追问的内容，先试着回答再看）",
      references: "参考资料（{n} 条）", evidence: "你的原话：",
      rubric: "评分维度",
      crit_accuracy: "准确性", crit_completeness: "完整性", crit_depth: "深度", crit_clarity: "清晰度",
      flag_injection_attempt: "检测到指令注入尝试（已忽略）", flag_non_answer: "未作答",
      flag_off_topic: "答非所问", flag_empty: "空回答", flag_encoding_loss: "参考资料有乱码",
      flag_truncated: "回答过长已截断",
      overall: "总分", answered_of: "作答 {a}/{p} 题", hints_used: "使用提示 {n} 次",
      ended_early: "面试提前结束", by_criterion: "各维度得分", by_question: "每题得分",
      radar_label: "各评分维度的雷达图：{values}", bars_label: "每题得分的条形图：{values}",
      not_answered: "未作答", topic_label: "主题：{topic}", questions: "逐题回顾", study_next: "接下来复习",
      study_topic: "{topic}（遗漏 {n} 个要点{mean}）", mean_score: "，平均 {s} 分",
      study_missed: "{n} 个遗漏要点", follow_ups: "追问", no_study: "没有明显的薄弱点，继续保持！",
      status_answered: "已作答", status_skipped: "已跳过", status_unanswered: "未作答", status_asked: "进行中",
      report_exam_pending: "报告将在面试结束后生成。", loading_report: "正在生成报告…",
      resumed: "已恢复上次的面试。", resume_failed: "无法恢复上次的面试（{msg}），请开始新的面试。",
      stream_fallback: "流式连接中断，已重新同步对话。",
      err_network: "无法连接服务器，请检查网络后重试。", err_too_long: "回答太长了，请精简后再发送。",
      err_finished: "这场面试已经结束，可以查看报告或开始新的面试。", err_slow_down: "发送太频繁了，请稍后再试。",
      err_retry_after: "（{s} 秒后可重试）", err_auth: "会话凭证无效或已过期。",
      err_expired: "这场面试因长时间未操作已过期，可以查看记录或开始新的面试。", err_not_found: "找不到这场面试。",
      err_invalid: "输入有误。", err_server: "服务器出错了，请稍后重试。", err_empty: "请先输入回答。",
      err_num: "题目数量应在 1 到 20 之间。", err_generic: "请求失败（HTTP {status}）。",
      mode_name_practice: "练习模式", mode_name_exam: "考试模式",
      my_progress: "我的进度", back: "返回", back_to_progress: "返回进度",
      progress_intro: "在本浏览器中开始的面试都会记进你的练习档案（凭证只保存在本浏览器里）。",
      progress_loading: "正在加载进度…",
      progress_empty: "还没有记录。完成一场面试后，这里会显示各主题的成绩变化、历史记录和待复习的题目。",
      err_profile: "无法创建练习档案，这场面试不会计入进度。",
      stats_label: "总览", stat_sessions: "面试场次", stat_answered: "答过的题", stat_mean: "最近平均分", stat_due: "待复习",
      review_title: "复习", review_due: "有 {n} 道题到期，需要复习。", review_none: "现在没有到期的题目。",
      review_next: "下一道题到期：{when}", review_help: "复习面试先问到期的题，再问薄弱主题的题；每题后给分数和反馈。",
      review_needs_history: "先完成一场面试，才能开始复习。", start_review: "开始复习",
      topics_title: "各主题的成绩变化", weak: "薄弱",
      topic_stats: "最近平均 {latest} · 最好平均 {best} · {items} 道题 · 作答 {attempts} 次",
      topic_missed: "最近的回答仍遗漏 {n} 个要点", trend_caption: "每场面试在该主题上的平均分",
      trend_label: "{topic}每场面试的平均分：{values}",
      topic_items: "逐题明细（{n} 道）", item_scores: "最近 {latest} · 最好 {best} · 作答 {n} 次",
      item_due: "复习时间：{when}",
      history_title: "历史记录", history_empty: "还没有面试记录。",
      hist_practice: "练习", hist_exam: "考试", hist_review: "复习",
      hist_finished: "已结束", hist_active: "进行中", hist_answered: "作答 {a}/{n} 题", hist_no_score: "暂无分数",
      view_report: "查看报告", continue_interview: "继续面试",
      report_link_label: "查看 {date} 的{mode}报告", continue_label: "继续 {date} 的{mode}面试",
      knowledge_base: "知识库", kb_default: "默认题库（大模型 / 机器学习）", kb_mine: "{name}（我的笔记）",
      kb_shared: "{name}（命令行导入）",
      knowledge_base_help: "选择自己的笔记，题目就只来自这些笔记；在「我的笔记」里创建和上传。",
      topics_default_only: "主题只适用于默认题库；用自己的笔记时从全部笔记中抽题。",
      my_notes: "我的笔记", notes_intro: "把自己的笔记建成知识库，面试题就只从这些笔记中出。",
      notes_loading: "正在加载知识库…", notes_empty: "还没有自己的知识库。先在上面起个名字创建一个。",
      kb_new_name: "新知识库的名称", kb_create: "创建", kb_creating: "创建中…",
      kb_name_help: "1–40 个字符：小写字母、数字、- 或 _，以字母或数字开头。",
      kb_name_invalid: "名称不符合规则：只能用小写字母、数字、- 和 _，以字母或数字开头，最多 40 个字符。",
      kb_select: "管理的知识库", kb_upload: "上传笔记（.md / .txt，可多选）",
      kb_upload_help: "支持五种格式：「## 1、问题？」标题、「**Q1：…**」、「问题: / 答案要点:」列表、「面试题 1：… 解答：…」、「### 1. 问题？」加「**回答：**」。",
      kb_uploading: "正在上传 {name}…", kb_uploaded: "{name}：已导入，找到 {n} 道题。",
      kb_refused: "{name}：未导入。{msg}", kb_upload_done: "上传完成：导入 {ok} 个，拒绝 {bad} 个。", kb_docs: "笔记（{n} 篇）", kb_no_docs: "还没有笔记，上传一篇试试。",
      kb_doc_meta: "{n} 道题 · {size}", kb_delete_doc: "删除", kb_delete_doc_label: "删除笔记 {name}",
      kb_deleted_doc: "已删除 {name}。", kb_practise: "用这个知识库开始面试",
      kb_delete: "删除知识库", kb_delete_confirm: "确定删除知识库「{name}」和其中的全部笔记吗？此操作无法撤销。",
      kb_deleted: "已删除知识库 {name}。", kb_created: "已创建知识库 {name}，现在可以上传笔记。",
      err_kb_empty: "这个知识库还没有笔记，请先上传。", err_read_file: "无法读取这个文件。",
    },
    en: {
      title: "Mock interview", skip_to_content: "Skip to content", ui_language: "Interface language",
      new_interview: "New interview", dismiss: "Dismiss", setup_title: "Start a mock interview",
      setup_intro: "Questions come from a Chinese LLM / ML interview knowledge base; answer in English or Chinese.",
      topics: "Topics", topics_help: "Pick none to draw from every topic.", loading: "Loading…",
      topics_failed: "Could not load the topics; questions will come from every topic.", no_topics: "No topics yet.",
      num_questions: "Number of questions", language: "Interview language", mode: "Mode",
      mode_practice: "Practice", mode_practice_help: "a score and feedback after each answer",
      mode_exam: "Exam", mode_exam_help: "scores only in the final report",
      start: "Start interview", starting: "Preparing the questions…", interview: "Interview", your_answer: "Your answer",
      composer_help: "Enter sends, Shift+Enter adds a line. You can also say “hint”, “skip” or “end the interview”.",
      quick_hint: "Hint", quick_skip: "Skip", quick_end: "End interview",
      quick_hint_text: "hint", quick_skip_text: "skip",
      send: "Send", sending: "Sending…", waiting: "The interviewer is thinking…", finished: "The interview is over.",
      show_report: "View report", report: "Interview report", back_to_transcript: "Back to transcript",
      download_md: "Download Markdown", print_report: "Print",
      you: "You", interviewer: "Interviewer",
      progress: "Question {i}/{n} · {mode}", progress_done: "Finished · {n} questions · {mode}",
      follow_ups_used: " · follow-ups {n}",
      score: "Score", out_of: "/10", grader_offline: "offline grade (key-point coverage estimate)",
      grader_fallback: "offline grade (LLM unavailable)", grader_llm: "LLM grade",
      covered: "Points covered", missing: "Points missed", none: "none", partly: "partly",
      missing_spoiler: "Points missed ({n}; the follow-up may ask about them, try it first)",
      references: "Reference passages ({n})", evidence: "You said: ",
      rubric: "Rubric",
      crit_accuracy: "Accuracy", crit_completeness: "Completeness", crit_depth: "Depth", crit_clarity: "Clarity",
      flag_injection_attempt: "instruction injection attempt (ignored)", flag_non_answer: "no answer",
      flag_off_topic: "off topic", flag_empty: "empty answer", flag_encoding_loss: "reference has lost characters",
      flag_truncated: "answer truncated",
      overall: "Overall", answered_of: "answered {a}/{p}", hints_used: "hints used {n}",
      ended_early: "ended early", by_criterion: "By criterion", by_question: "By question",
      radar_label: "Radar chart of the rubric criteria: {values}", bars_label: "Bar chart of the scores per question: {values}",
      not_answered: "not answered", topic_label: "Topic: {topic}", questions: "Question by question", study_next: "Study next",
      study_topic: "{topic} ({n} missed point(s){mean})", mean_score: ", mean {s}",
      study_missed: "{n} missed point(s)", follow_ups: "Follow-ups", no_study: "No clear weak spot. Keep it up!",
      status_answered: "answered", status_skipped: "skipped", status_unanswered: "not answered", status_asked: "open",
      report_exam_pending: "The report comes when the interview is over.", loading_report: "Building the report…",
      resumed: "Resumed your last interview.", resume_failed: "Could not resume your last interview ({msg}); start a new one.",
      stream_fallback: "The stream was interrupted; the conversation has been re-synced.",
      err_network: "Cannot reach the server; check your connection and try again.",
      err_too_long: "That answer is too long; please shorten it.",
      err_finished: "This interview is over; view the report or start a new one.",
      err_slow_down: "Too many messages too fast; please wait a moment.", err_retry_after: " (retry in {s} s)",
      err_expired: "This interview expired after being idle; read it back or start a new one.",
      err_auth: "The session token is invalid or has expired.", err_not_found: "This interview was not found.",
      err_invalid: "Invalid input.", err_server: "The server had a problem; please try again.",
      err_empty: "Type an answer first.", err_num: "The number of questions must be between 1 and 20.",
      err_generic: "The request failed (HTTP {status}).",
      mode_name_practice: "practice", mode_name_exam: "exam",
      my_progress: "My progress", back: "Back", back_to_progress: "Back to progress",
      progress_intro: "Interviews started in this browser are recorded in your practice profile (its key stays in this browser).",
      progress_loading: "Loading your progress…",
      progress_empty: "Nothing recorded yet. After an interview, this shows each topic's scores over time, your history and the questions due for review.",
      err_profile: "Could not create a practice profile; this interview will not count towards your progress.",
      stats_label: "Overview", stat_sessions: "Interviews", stat_answered: "Questions answered", stat_mean: "Latest mean",
      stat_due: "Due for review",
      review_title: "Review", review_due: "{n} question(s) are due for review.", review_none: "Nothing is due right now.",
      review_next: "Next one due: {when}",
      review_help: "A review interview asks the due questions first, then questions of weak topics; a grade after each answer.",
      review_needs_history: "Finish an interview first; then you can review.", start_review: "Start review",
      topics_title: "Topics over time", weak: "weak",
      topic_stats: "latest mean {latest} · best mean {best} · {items} question(s) · {attempts} attempt(s)",
      topic_missed: "the latest answers still miss {n} key point(s)", trend_caption: "Mean score on this topic per interview",
      trend_label: "{topic}, mean score per interview: {values}",
      topic_items: "Question by question ({n})", item_scores: "latest {latest} · best {best} · {n} attempt(s)",
      item_due: "review due: {when}",
      history_title: "History", history_empty: "No interviews yet.",
      hist_practice: "practice", hist_exam: "exam", hist_review: "review",
      hist_finished: "finished", hist_active: "in progress", hist_answered: "answered {a}/{n}", hist_no_score: "no score yet",
      view_report: "View report", continue_interview: "Continue",
      report_link_label: "View the report of the {mode} interview of {date}",
      continue_label: "Continue the {mode} interview of {date}",
      knowledge_base: "Knowledge base", kb_default: "Default (LLM / ML interview notes)", kb_mine: "{name} (my notes)",
      kb_shared: "{name} (from the command line)",
      knowledge_base_help: "Pick your own notes and the questions come only from them; make one and upload under My notes.",
      topics_default_only: "Topics apply to the default knowledge base; on your own notes questions come from all of them.",
      my_notes: "My notes", notes_intro: "Turn your own notes into a knowledge base and be interviewed on them alone.",
      notes_loading: "Loading your knowledge bases…", notes_empty: "No knowledge base of yours yet. Name one above to create it.",
      kb_new_name: "Name of a new knowledge base", kb_create: "Create", kb_creating: "Creating…",
      kb_name_help: "1–40 characters: lowercase letters, digits, - or _, starting with a letter or digit.",
      kb_name_invalid: "That name is not allowed: lowercase letters, digits, - and _ only, starting with a letter or digit, at most 40 characters.",
      kb_select: "Knowledge base to manage", kb_upload: "Upload notes (.md / .txt, several at once)",
      kb_upload_help: "Five formats are read: “## 1、问题？” headings, “**Q1：…**” blocks, “问题: / 答案要点:” lists, “面试题 1：… 解答：…”, and “### 1. 问题？” with “**回答：**”.",
      kb_uploading: "Uploading {name}…", kb_uploaded: "{name}: added, {n} question(s) found.",
      kb_refused: "{name}: not added. {msg}", kb_upload_done: "Upload finished: {ok} added, {bad} refused.", kb_docs: "Notes ({n})", kb_no_docs: "No notes yet; upload one.",
      kb_doc_meta: "{n} question(s) · {size}", kb_delete_doc: "Delete", kb_delete_doc_label: "Delete the note {name}",
      kb_deleted_doc: "Deleted {name}.", kb_practise: "Start an interview on this knowledge base",
      kb_delete: "Delete knowledge base", kb_delete_confirm: "Delete the knowledge base “{name}” and all its notes? This cannot be undone.",
      kb_deleted: "Deleted the knowledge base {name}.", kb_created: "Created {name}; now upload your notes.",
      err_kb_empty: "This knowledge base has no notes yet; upload some first.", err_read_file: "Could not read this file.",
    },
  };

  const app = {
    lang: "zh",
    session: null, // {id, token, mode, language}
    summary: null, // the API's SessionSummary
    busy: false,
    done: false,
    report: null,
    view: "setup",
    titles: {}, // file -> the note's title, from the server's replies
    progressData: null, // {progress, history, reviews} of this browser's candidate
    reportFrom: "session", // the report view shows this session's report, or one opened from the history
    historyReport: null,
    backTo: "setup", // where the progress view's back button goes
  };

  function t(key, values) {
    const table = I18N[app.lang] || I18N.zh;
    let text = key in table ? table[key] : (I18N.en[key] ?? key);
    if (values) for (const [k, v] of Object.entries(values)) text = text.split(`{${k}}`).join(String(v));
    return text;
  }

  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const fmt = (x) => (typeof x === "number" && isFinite(x) ? x.toFixed(1) : "–");
  const critLabel = (c) => (I18N[app.lang]["crit_" + c] ? t("crit_" + c) : c);
  // A citation reads as the note's title (from the point itself, or the titles the server sent with its
  // replies); the file name is only a tooltip. The section path starts with the title: not said twice.
  const titleOf = (p) => (p && (p.title || app.titles[p.source])) || "";
  function where(p) {
    if (!p) return "";
    const title = titleOf(p);
    if (!title) return [p.source, p.section].filter(Boolean).join(" § ");
    const parts = String(p.section || "").split(" > ").filter(Boolean);
    if (parts[0] === title) parts.shift();
    return parts.length ? `${title} § ${parts.join(" > ")}` : title;
  }
  const cite = (p, className = "cite") => el("span", { className, text: where(p), title: p && p.source ? p.source : null });
  const band = (s) => (s >= 7 ? "good" : s >= 4.5 ? "mid" : "low");

  // ---- language ---------------------------------------------------------------------------------

  function setLang(lang, persist = true) {
    app.lang = lang === "en" ? "en" : "zh";
    if (persist) localStorage.setItem(LANG_KEY, app.lang);
    document.documentElement.lang = app.lang === "zh" ? "zh-CN" : "en";
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    $("ui-lang").value = app.lang;
    renderProgress();
    setReportBack();
    if (app.view === "report") {
      const report = app.reportFrom === "progress" ? app.historyReport : app.report;
      if (report) renderReport(report);
    }
    if (app.view === "progress" && app.progressData !== undefined) renderProgressView();
    renderKbSelect();
    if (app.notesStatus) setNotesStatus(...app.notesStatus);
    if (app.view === "notes" && app.kbs) renderNotes();
  }

  // ---- errors and the API -----------------------------------------------------------------------

  // message: what the page shows; detail and code: the server's own message and error code.
  class ApiError extends Error {
    constructor(status, message, detail = "", code = "") {
      super(message);
      this.status = status;
      this.detail = detail;
      this.code = code;
    }
  }

  function showError(message) {
    $("error-text").textContent = message;
    $("error").hidden = false;
  }

  function clearError() {
    $("error").hidden = true;
    $("error-text").textContent = "";
  }

  function setStatus(text) {
    $("status").textContent = text || "";
  }

  function serverMessage(body) {
    if (!body || typeof body !== "object") return "";
    if (body.error && typeof body.error === "object" && body.error.message) return String(body.error.message);
    if (typeof body.error === "string") return body.error;
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => (d && d.msg) || "").filter(Boolean).join("; ");
    return body.message ? String(body.message) : "";
  }

  function friendly(status, message, retryAfter) {
    const lead = {
      0: t("err_network"), 400: t("err_invalid"), 401: t("err_auth"), 403: t("err_auth"), 404: t("err_not_found"),
      409: t("err_finished"), 410: t("err_expired"), 413: t("err_too_long"), 422: t("err_invalid"), 429: t("err_slow_down"),
    }[status] || (status >= 500 ? t("err_server") : t("err_generic", { status }));
    const wait = status === 429 && retryAfter ? t("err_retry_after", { s: retryAfter }) : "";
    return message && message !== lead ? `${lead}${wait} ${message}` : lead + wait;
  }

  async function errorFrom(res) {
    let body = null;
    try {
      body = await res.json();
    } catch (_) { /* not JSON: the status says enough */ }
    const detail = serverMessage(body);
    const code = body && body.error && typeof body.error === "object" ? String(body.error.code || "") : "";
    const message = code === "empty_knowledge_base" ? t("err_kb_empty")
      : friendly(res.status, detail, res.headers.get("Retry-After"));
    return new ApiError(res.status, message, detail, code);
  }

  // auth: the open session's token; bearer: an explicit token (the candidate's); raw: bytes sent as they are.
  async function request(path, { method = "GET", body, raw, auth = false, bearer = "", accept = "application/json" } = {}) {
    const headers = { Accept: accept };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (raw !== undefined) headers["Content-Type"] = "application/octet-stream";
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    else if (auth && app.session) headers.Authorization = `Bearer ${app.session.token}`;
    let res;
    try {
      res = await fetch(path, { method, headers, body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body) });
    } catch (_) {
      throw new ApiError(0, friendly(0, ""));
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }

  const getJSON = async (path, opts) => (await request(path, opts)).json();

  // ---- storage ----------------------------------------------------------------------------------

  function saveSession() {
    if (app.session) localStorage.setItem(STORE_KEY, JSON.stringify({ ...app.session, view: app.view }));
  }

  function loadSession() {
    try {
      const data = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
      return data && data.id && data.token ? data : null;
    } catch (_) {
      return null;
    }
  }

  function loadCandidate() {
    try {
      const data = JSON.parse(localStorage.getItem(CANDIDATE_KEY) || "null");
      return data && data.id && data.token ? data : null;
    } catch (_) {
      return null;
    }
  }

  function forgetCandidate() {
    localStorage.removeItem(CANDIDATE_KEY);
  }

  // This browser's candidate: the stored one, or a new profile (POST /v1/candidates) kept in localStorage.
  async function ensureCandidate() {
    const known = loadCandidate();
    if (known) return known;
    const made = await getJSON("/v1/candidates", { method: "POST", body: {} });
    const candidate = { id: made.id, token: made.token, name: made.name || "", created_at: made.created_at };
    localStorage.setItem(CANDIDATE_KEY, JSON.stringify(candidate));
    return candidate;
  }

  // ---- views ------------------------------------------------------------------------------------

  function showView(name, focus = true) {
    app.view = name;
    for (const v of ["setup", "chat", "report", "progress", "notes"]) $(`${v}-view`).hidden = v !== name;
    $("show-progress").hidden = name === "progress";
    $("show-notes").hidden = name === "notes";
    $("new-interview").hidden = !app.session;
    saveSession();
    if (focus) {
      const heading = $(`${name}-view`).querySelector("h2");
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
  }

  function setBusy(busy) {
    app.busy = busy;
    $("send").disabled = busy || app.done;
    $("send").textContent = busy ? t("sending") : t("send");
    for (const b of document.querySelectorAll("[data-quick]")) b.disabled = busy || app.done;
    $("transcript").setAttribute("aria-busy", busy ? "true" : "false");
    setStatus(busy ? t("waiting") : "");
  }

  function setDone(done) {
    app.done = done;
    $("composer").hidden = done;
    $("finished-bar").hidden = !done;
    setBusy(app.busy);
  }

  function renderProgress() {
    const s = app.summary;
    const node = $("progress");
    if (!s) {
      node.textContent = "";
      return;
    }
    const mode = t(`mode_name_${s.mode || (app.session && app.session.mode) || "practice"}`);
    if (s.status === "finished") {
      node.textContent = t("progress_done", { n: s.num_questions, mode });
    } else {
      node.textContent = t("progress", { i: s.question_number, n: s.num_questions, mode }) +
        (s.follow_ups_used ? t("follow_ups_used", { n: s.follow_ups_used }) : "");
    }
  }

  // ---- setup ------------------------------------------------------------------------------------

  function topicName(x) {
    if (typeof x === "string") return { name: x, count: null };
    if (x && typeof x === "object") {
      return { name: String(x.topic ?? x.name ?? x.id ?? ""), count: x.count ?? x.questions ?? x.items ?? null };
    }
    return { name: "", count: null };
  }

  async function loadTopics() {
    const box = $("topics");
    try {
      const data = await getJSON("/v1/topics");
      const list = (Array.isArray(data) ? data : data.topics || data.items || []).map(topicName).filter((x) => x.name);
      box.replaceChildren();
      if (!list.length) box.append(el("span", { className: "muted small", text: t("no_topics") }));
      for (const { name, count } of list) {
        const label = el("label", { className: "chip" },
          el("input", { type: "checkbox", name: "topics", value: name }),
          el("span", { text: name }));
        if (typeof count === "number") label.append(el("span", { className: "count", text: String(count) }));
        box.append(label);
      }
    } catch (_) {
      box.replaceChildren(el("span", { className: "muted small", text: t("topics_failed") }));
    }
  }

  async function startInterview(event) {
    event.preventDefault();
    if (app.busy) return;
    clearError();
    const form = $("setup-form");
    const n = Number($("num-questions").value);
    if (!Number.isInteger(n) || n < 1 || n > 20) {
      showError(t("err_num"));
      $("num-questions").focus();
      return;
    }
    const topics = [...form.querySelectorAll('input[name="topics"]:checked')].map((x) => x.value);
    const body = {
      num_questions: n,
      language: $("language").value,
      mode: form.querySelector('input[name="mode"]:checked').value,
    };
    const kb = $("knowledge-base").value;
    if (kb && kb !== "default") body.knowledge_base = kb; // topics name the default bank's sections
    else if (topics.length) body.topics = topics;
    await beginSession(body, $("start"), "start");
  }

  // POST /v1/sessions as this browser's candidate (created on first use), so the interview counts towards
  // its progress. Without a profile (it could not be created) a practice or exam interview still starts.
  async function createSession(body) {
    let candidate = null;
    app.anonymous = false;
    try {
      candidate = await ensureCandidate();
    } catch (err) {
      if (body.mode === "review") throw err;
      app.anonymous = true;
    }
    const post = (c) => getJSON("/v1/sessions", { method: "POST", body, bearer: c ? c.token : "" });
    try {
      return await post(candidate);
    } catch (err) {
      if (!candidate || err.status !== 401) throw err;
      forgetCandidate(); // the server no longer knows this profile (a fresh data dir): make a new one
      return post(await ensureCandidate());
    }
  }

  async function beginSession(body, button, labelKey) {
    if (app.busy) return;
    clearError();
    button.disabled = true;
    button.textContent = t("starting");
    app.busy = true;
    try {
      const data = await createSession(body);
      app.session = { id: data.id, token: data.token, mode: body.mode === "exam" ? "exam" : "practice",
        language: body.language };
      app.report = null;
      app.summary = typeof data.state === "object" ? data.state : null;
      setLang(body.language);
      $("transcript").replaceChildren();
      addMessage("interviewer", data.message || "");
      app.busy = false;
      setDone(Boolean(data.done));
      renderProgress();
      showView("chat", false);
      if (app.anonymous) showError(t("err_profile"));
      $("answer").focus();
    } catch (err) {
      showError(err.message);
    } finally {
      app.busy = false;
      button.disabled = false;
      button.textContent = t(labelKey);
    }
  }

  // ---- transcript -------------------------------------------------------------------------------

  function addMessage(role, text) {
    const who = role === "candidate" ? "candidate" : "interviewer";
    const li = el("li", { className: `msg msg-${who}` },
      el("span", { className: "who", text: who === "candidate" ? t("you") : t("interviewer") }),
      el("div", { className: "bubble", text }));
    $("transcript").append(li);
    li.scrollIntoView({ block: "nearest" });
    return li;
  }

  const gradeOfCard = new WeakMap(); // feedback card -> its grade, to re-render it folded or not

  function isGrade(x) {
    return x && typeof x === "object" && typeof x.score === "number";
  }

  function attachFeedback(candidateLi, grade, followUpPending) {
    if (!candidateLi || !isGrade(grade) || (app.session && app.session.mode === "exam")) return;
    const old = candidateLi.querySelector(".feedback");
    if (old) old.remove();
    candidateLi.append(feedbackCard(grade, followUpPending));
  }

  function pointList(className, points, withEvidence) {
    const ul = el("ul", { className: `points ${className}` });
    for (const p of points) {
      const li = el("li", null, el("span", { className: "point-text", text: p.text }));
      if (p.partly) li.append(el("span", { className: "badge partly", text: t("partly") }));
      if (where(p)) li.append(cite(p));
      if (withEvidence && p.evidence) li.append(el("q", { className: "evidence", text: p.evidence }));
      ul.append(li);
    }
    return ul;
  }

  function gradePoints(grade) {
    if (Array.isArray(grade.points) && grade.points.length) {
      return {
        covered: grade.points.filter((p) => p.covered),
        missing: grade.points.filter((p) => !p.covered),
      };
    }
    const wrap = (xs) => (xs || []).map((text) => ({ text: String(text) }));
    return { covered: wrap(grade.covered), missing: wrap(grade.missing) };
  }

  function graderLabel(kind) {
    return kind === "llm" ? t("grader_llm") : kind === "offline-fallback" ? t("grader_fallback") : t("grader_offline");
  }

  function meter(score, label) {
    const outer = el("div", { className: "meter", role: "img", "aria-label": label });
    const inner = el("div", { className: `meter-fill ${band(score)}` });
    inner.style.width = `${Math.max(0, Math.min(10, score)) * 10}%`;
    outer.append(inner);
    return outer;
  }

  function unfoldSpoilers() {
    for (const details of $("transcript").querySelectorAll(".feedback details.spoiler")) {
      const card = details.closest(".feedback");
      if (gradeOfCard.has(card)) attachFeedback(card.parentElement, gradeOfCard.get(card), false);
    }
  }

  function feedbackCard(grade, followUpPending) {
    const card = el("section", { className: "feedback", "aria-label": `${t("score")} ${fmt(grade.score)}${t("out_of")}` });
    const head = el("div", { className: "fb-head" },
      el("strong", { className: `fb-score ${band(grade.score)}`, text: `${t("score")} ${fmt(grade.score)}${t("out_of")}` }),
      el("span", { className: "badge", text: graderLabel(grade.grader) }));
    card.append(head, meter(grade.score, `${fmt(grade.score)}${t("out_of")}`));
    // The grader's summary may name a missing point: while a follow-up is pending it stays in the spoiler.
    const { covered, missing } = gradePoints(grade);
    const spoil = followUpPending && missing.length > 0;
    const summary = grade.summary ? el("p", { className: "fb-summary", text: grade.summary }) : null;
    if (summary && !spoil) card.append(summary);

    if (Array.isArray(grade.flags) && grade.flags.length) {
      const flags = el("ul", { className: "flags" });
      for (const f of grade.flags) flags.append(el("li", { className: "flag", text: t("flag_" + f) }));
      card.append(flags);
    }

    if (Array.isArray(grade.rubric) && grade.rubric.length) {
      const grid = el("dl", { className: "rubric", "aria-label": t("rubric") });
      // One comment shared by every criterion (a skipped question) is said once, below.
      const comments = new Set(grade.rubric.map((r) => r.comment || ""));
      const shared = comments.size === 1 && grade.rubric.length > 1 ? [...comments][0] : "";
      for (const r of grade.rubric) {
        const dd = el("dd", null, meter(r.score, `${critLabel(r.criterion)} ${fmt(r.score)}`),
          el("span", { className: "num", text: fmt(r.score) }));
        grid.append(el("dt", { text: critLabel(r.criterion) }), dd);
        if (r.comment && !shared) grid.append(el("dd", { className: "comment", text: r.comment }));
      }
      card.append(grid);
      if (shared && shared !== grade.summary) card.append(el("p", { className: "muted small", text: shared }));
    }

    card.append(el("h4", { text: t("covered") }),
      covered.length ? pointList("covered", covered, true) : el("p", { className: "muted small", text: t("none") }));
    if (spoil) {
      const det = el("details", { className: "spoiler" },
        el("summary", { text: t("missing_spoiler", { n: missing.length }) }), summary, pointList("missing", missing, false));
      card.append(det);
    } else {
      card.append(el("h4", { text: t("missing") }),
        missing.length ? pointList("missing", missing, false) : el("p", { className: "muted small", text: t("none") }));
    }

    const refs = Array.isArray(grade.references) ? grade.references : [];
    if (refs.length) {
      const det = el("details", { className: "refs" }, el("summary", { text: t("references", { n: refs.length }) }));
      for (const r of refs) {
        det.append(el("figure", { className: "ref" },
          el("figcaption", { className: "cite", text: where(r), title: r.source || null }),
          el("blockquote", { text: r.text || "" })));
      }
      card.append(det);
    }
    if (grade.note) card.append(el("p", { className: "muted small note", text: grade.note }));
    gradeOfCard.set(card, grade);
    return card;
  }

  function turnsOf(data) {
    const raw = data.turns || data.transcript || data.messages || [];
    return raw.map((x) => ({
      role: x.role === "candidate" || x.role === "user" ? "candidate" : "interviewer",
      kind: x.kind || "",
      content: String(x.content ?? x.message ?? x.text ?? ""),
      grade: x.grade || x.evaluation || null,
    }));
  }

  function renderTranscript(data) {
    const list = $("transcript");
    list.replaceChildren();
    const turns = turnsOf(data);
    let lastCandidate = null;
    let lastKind = "";
    for (const turn of turns) {
      if (turn.kind === "report") continue; // the report has its own view
      if (turn.role === "candidate") {
        lastCandidate = addMessage("candidate", turn.content);
        if (isGrade(turn.grade)) attachFeedback(lastCandidate, turn.grade, false);
        continue;
      }
      // The API keeps a grade on the interviewer's feedback turn; it belongs under the answer before it.
      if (isGrade(turn.grade) && lastCandidate) attachFeedback(lastCandidate, turn.grade, false);
      if (turn.content) addMessage("interviewer", turn.content);
      lastKind = turn.kind;
    }
    if (!app.done && lastKind === "follow_up") {
      // The open follow-up asks about what the last answer missed: fold those points away again.
      const cards = list.querySelectorAll(".msg-candidate .feedback");
      const last = cards[cards.length - 1];
      if (last && gradeOfCard.has(last)) attachFeedback(last.parentElement, gradeOfCard.get(last), true);
    }
    const end = list.lastElementChild;
    if (end) end.scrollIntoView({ block: "end" });
  }

  function summaryOf(data) {
    if (data && typeof data.state === "object" && data.state) return data.state;
    if (data && typeof data.summary === "object" && data.summary) return data.summary;
    return null;
  }

  async function syncSession() {
    const data = await getJSON(`/v1/sessions/${encodeURIComponent(app.session.id)}`, { auth: true });
    const summary = summaryOf(data);
    app.summary = summary;
    const status = (summary && summary.status) || data.status || (data.done ? "finished" : "active");
    const mode = (summary && summary.mode) || (data.plan && data.plan.mode) || data.mode || app.session.mode;
    const language = (summary && summary.language) || (data.plan && data.plan.language) || data.language;
    app.session.mode = mode;
    if (language) app.session.language = language;
    app.done = status === "finished" || Boolean(data.expired);
    if (data.report) app.report = data.report;
    renderTranscript(data);
    setDone(app.done);
    if (data.expired && status !== "finished") showError(t("err_expired"));
    renderProgress();
    saveSession();
    return data;
  }

  // ---- sending ----------------------------------------------------------------------------------

  function parseSSEBlock(block) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? "" : line.slice(i + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length || event !== "message" ? { event, data: data.join("\n") } : null;
  }

  async function readSSE(res, onEvent) {
    const decoder = new TextDecoder();
    let buffer = "";
    const drain = (final) => {
      // A "\r" at the very end may be half of "\r\n": keep it until the next chunk.
      let text = buffer;
      let keep = "";
      if (!final && text.endsWith("\r")) [text, keep] = [text.slice(0, -1), "\r"];
      text = text.replace(/\r\n?/g, "\n");
      let idx;
      while ((idx = text.indexOf("\n\n")) >= 0) {
        const ev = parseSSEBlock(text.slice(0, idx));
        text = text.slice(idx + 2);
        if (ev) onEvent(ev);
      }
      if (final && text.trim()) {
        const ev = parseSSEBlock(text);
        if (ev) onEvent(ev);
        text = "";
      }
      buffer = text + keep;
    };
    if (!res.body || !res.body.getReader) {
      buffer = await res.text();
      drain(true);
      return;
    }
    const reader = res.body.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      drain(false);
    }
    buffer += decoder.decode();
    drain(true);
  }

  function parseData(raw) {
    try {
      return JSON.parse(raw);
    } catch (_) {
      return raw;
    }
  }

  function deltaText(data) {
    const v = parseData(data);
    if (typeof v === "string") return v;
    if (v && typeof v === "object") return String(v.delta ?? v.text ?? v.content ?? v.message ?? "");
    return data; // a bare number or the like: the raw text is the delta
  }

  function applyReply(reply, ctx) {
    if (reply.sources && typeof reply.sources === "object") Object.assign(app.titles, reply.sources);
    if (typeof reply.message === "string" && reply.message) ctx.bubble.textContent = reply.message;
    const evaluation = reply.evaluation || ctx.evaluation;
    const summary = summaryOf(reply);
    const followUp = reply.action ? reply.action === "follow_up"
      : Boolean(summary && app.summary && summary.question_number === app.summary.question_number &&
        (summary.follow_ups_used || 0) > (app.summary.follow_ups_used || 0));
    if (summary) app.summary = summary;
    unfoldSpoilers(); // the follow-up they guarded has been answered
    if (evaluation) attachFeedback(ctx.candidateLi, evaluation, followUp);
    if (reply.report) app.report = reply.report;
    renderProgress();
    setDone(Boolean(reply.done) || (summary && summary.status === "finished"));
    ctx.bubble.removeAttribute("aria-busy");
    ctx.bubble.classList.remove("typing");
  }

  async function sendJSON(content, ctx) {
    const res = await request(`/v1/sessions/${encodeURIComponent(app.session.id)}/messages`,
      { method: "POST", body: { content }, auth: true });
    applyReply(await res.json(), ctx);
  }

  async function sendStreaming(content, ctx) {
    const res = await request(`/v1/sessions/${encodeURIComponent(app.session.id)}/messages`,
      { method: "POST", body: { content }, auth: true, accept: "text/event-stream" });
    ctx.responded = true; // from here on the turn is committed server-side: never post it again
    const type = res.headers.get("Content-Type") || "";
    if (!type.includes("text/event-stream")) {
      applyReply(await res.json(), ctx); // the server chose JSON
      return;
    }
    let text = "";
    let final = null;
    let streamError = null;
    await readSSE(res, ({ event, data }) => {
      if (event === "message") {
        text += deltaText(data);
        ctx.bubble.textContent = text;
        ctx.bubble.classList.remove("typing");
        ctx.bubble.scrollIntoView({ block: "nearest" });
      } else if (event === "evaluation") {
        const v = parseData(data);
        ctx.evaluation = isGrade(v) ? v : (v && v.evaluation) || null;
      } else if (event === "done") {
        final = parseData(data);
      } else if (event === "error") {
        const v = parseData(data);
        streamError = (v && typeof v === "object" && serverMessage(v)) || (typeof v === "string" && v) || t("err_server");
      }
    });
    if (streamError) throw new ApiError(500, streamError);
    if (!final || typeof final !== "object") throw new Error("the stream ended without a done event");
    applyReply({ ...final, evaluation: final.evaluation || ctx.evaluation }, ctx);
  }

  async function deliver(content, ctx) {
    try {
      await sendStreaming(content, ctx);
    } catch (err) {
      if (ctx.responded) {
        // Cut mid-stream (or an unreadable body): the server has the turn, so re-read the session.
        await syncSession();
        if (err instanceof ApiError) showError(err.message);
        else setStatus(t("stream_fallback"));
        return;
      }
      const noStreaming = err instanceof ApiError && (err.status === 0 || err.status === 406 || err.status === 415);
      if (!noStreaming) throw err; // the API refused the message: do not resend it
      await sendJSON(content, ctx);
    }
  }

  async function send(raw, fromComposer) {
    const content = (raw || "").trim();
    if (app.busy || app.done || !app.session) return;
    if (!content) {
      showError(t("err_empty"));
      $("answer").focus();
      return;
    }
    clearError();
    setBusy(true);
    if (fromComposer) $("answer").value = "";
    const candidateLi = addMessage("candidate", content);
    const interviewerLi = addMessage("interviewer", "");
    const bubble = interviewerLi.querySelector(".bubble");
    bubble.classList.add("typing");
    bubble.setAttribute("aria-busy", "true");
    const ctx = { candidateLi, bubble, evaluation: null, responded: false };
    try {
      await deliver(content, ctx);
    } catch (err) {
      interviewerLi.remove();
      candidateLi.remove();
      if (fromComposer && !$("answer").value) $("answer").value = raw; // let them edit and resend
      showError(err.message);
      if (err.status === 409) syncSession().catch(() => {});
    } finally {
      setBusy(false);
      if (app.done) $("show-report").focus();
      else $("answer").focus();
    }
  }

  async function endInterview() {
    if (app.busy || app.done || !app.session) return;
    clearError();
    setBusy(true);
    const interviewerLi = addMessage("interviewer", "");
    const bubble = interviewerLi.querySelector(".bubble");
    bubble.classList.add("typing");
    try {
      const res = await request(`/v1/sessions/${encodeURIComponent(app.session.id)}/end`, { method: "POST", auth: true });
      applyReply(await res.json(), { candidateLi: null, bubble, evaluation: null });
    } catch (err) {
      interviewerLi.remove();
      showError(err.message);
      if (err.status === 409) syncSession().catch(() => {});
    } finally {
      setBusy(false);
      if (app.done) $("show-report").focus();
    }
  }

  // ---- report -----------------------------------------------------------------------------------

  function setReportBack() {
    const back = $("back-to-chat");
    back.dataset.i18n = app.reportFrom === "progress" ? "back_to_progress" : "back_to_transcript";
    back.textContent = t(back.dataset.i18n);
  }

  // Download and Print act on the report on screen: shown once it has rendered, hidden while it loads.
  function setReportActions(shown) {
    $("download-md").hidden = !shown;
    $("print-report").hidden = !shown;
  }

  function filenameFrom(disposition) {
    const match = /filename="([^"\\/]+)"/.exec(disposition || "");
    return match ? match[1] : "";
  }

  // The Markdown report (GET …/report.md needs the bearer header, so no plain link): fetched, then saved
  // through a Blob URL and a temporary <a download>.
  async function downloadMarkdown() {
    clearError();
    const fromHistory = app.reportFrom === "progress";
    const sessionId = fromHistory ? app.openedReport : app.session && app.session.id;
    const candidate = fromHistory ? loadCandidate() : null;
    if (!sessionId || (fromHistory && !candidate)) return;
    const button = $("download-md");
    button.disabled = true;
    try {
      const res = await request(`/v1/sessions/${encodeURIComponent(sessionId)}/report.md`,
        fromHistory ? { bearer: candidate.token, accept: "text/markdown" } : { auth: true, accept: "text/markdown" });
      const blob = await res.blob();
      const name = filenameFrom(res.headers.get("Content-Disposition")) || `interview-${sessionId.slice(0, 8)}.md`;
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      showError(err.message);
    } finally {
      button.disabled = false;
    }
  }

  async function showReport() {
    clearError();
    app.reportFrom = "session";
    setReportBack();
    setReportActions(false);
    showView("report");
    const box = $("report");
    if (!app.report || app.report.status !== "finished") {
      box.replaceChildren(el("p", { className: "muted", text: t("loading_report") }));
      try {
        const data = await getJSON(`/v1/sessions/${encodeURIComponent(app.session.id)}/report`, { auth: true });
        app.report = data.report && typeof data.report === "object" ? data.report : data;
      } catch (err) {
        box.replaceChildren();
        showError(err.message);
        return;
      }
    }
    renderReport(app.report);
  }

  // Charts are drawn at the pixel width of their box (text stays 13 px on a phone and on a desktop)
  // and redrawn when the window is resized.
  const textWidth = (text) => [...String(text)].reduce((w, ch) => w + (ch.codePointAt(0) > 0x2e80 ? 13 : 7.4), 0);

  function radarChart(criteria, boxWidth) {
    const keys = [...CRITERIA.filter((c) => c in criteria), ...Object.keys(criteria).filter((c) => !CRITERIA.includes(c))];
    const values = keys.map((k) => `${critLabel(k)} ${fmt(criteria[k])}`).join(", ");
    const angle = (i) => -Math.PI / 2 + (2 * Math.PI * i) / keys.length;
    const W = Math.max(240, Math.min(boxWidth, 460));
    // Leave room beside the circle for the widest label on a side axis.
    const side = Math.max(0, ...keys.map((k, i) => (Math.abs(Math.cos(angle(i))) < 0.3 ? 0 : textWidth(critLabel(k)))));
    const R = Math.max(50, Math.min(110, W / 2 - side - 18));
    const H = 2 * R + 84, cx = W / 2, cy = R + 42;
    const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "chart radar", role: "img",
      "aria-label": t("radar_label", { values }) });
    const at = (i, r) => [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))];
    const pointsOf = (pts) => pts.map((p) => p.map((v) => v.toFixed(1)).join(",")).join(" ");
    for (const level of [2.5, 5, 7.5, 10]) {
      root.append(svg("polygon", { points: pointsOf(keys.map((_, i) => at(i, (R * level) / 10))), class: "grid" }));
    }
    keys.forEach((_, i) => {
      const [x, y] = at(i, R);
      root.append(svg("line", { x1: cx, y1: cy, x2: x.toFixed(1), y2: y.toFixed(1), class: "axis" }));
    });
    const pts = keys.map((k, i) => at(i, (R * Math.max(0, Math.min(10, criteria[k] || 0))) / 10));
    root.append(svg("polygon", { points: pointsOf(pts), class: "area" }));
    pts.forEach(([x, y]) => root.append(svg("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 4, class: "dot" })));
    keys.forEach((k, i) => {
      const [x, y] = at(i, R + 10);
      const cos = Math.cos(angle(i));
      const sin = Math.sin(angle(i));
      const anchor = Math.abs(cos) < 0.3 ? "middle" : cos > 0 ? "start" : "end";
      const top = sin < -0.3 ? y - 22 : sin > 0.3 ? y + 12 : y - 4; // baseline of the first line
      const label = svg("text", { x: x.toFixed(1), y: top.toFixed(1), "text-anchor": anchor, class: "label" });
      label.append(svg("tspan", { x: x.toFixed(1) }, critLabel(k)));
      label.append(svg("tspan", { x: x.toFixed(1), dy: 16, class: "value" }, fmt(criteria[k])));
      root.append(label);
    });
    return root;
  }

  function barChart(rows, boxWidth) {
    // rows: [{label, title, score|null}]
    const values = rows.map((r) => `${r.label} ${r.score === null ? t("not_answered") : fmt(r.score)}`).join(", ");
    const W = Math.max(240, boxWidth);
    const row = 34, top = 6;
    const left = Math.ceil(Math.max(...rows.map((r) => textWidth(r.label)))) + 14, right = 44;
    const H = top + rows.length * row + 24, width = W - left - right;
    const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "chart bars", role: "img",
      "aria-label": t("bars_label", { values }) });
    for (const tick of [0, 2.5, 5, 7.5, 10]) {
      const x = left + (width * tick) / 10;
      root.append(svg("line", { x1: x, y1: top, x2: x, y2: top + rows.length * row, class: "grid" }));
      root.append(svg("text", { x, y: H - 6, "text-anchor": "middle", class: "tick" }, String(tick)));
    }
    rows.forEach((r, i) => {
      const y = top + i * row;
      const g = svg("g", null);
      g.append(svg("title", null, r.title));
      g.append(svg("text", { x: left - 8, y: y + row / 2 + 5, "text-anchor": "end", class: "label" }, r.label));
      if (r.score === null) {
        g.append(svg("text", { x: left + 6, y: y + row / 2 + 5, class: "value muted" }, t("not_answered")));
      } else {
        const w = Math.max(2, (width * Math.max(0, Math.min(10, r.score))) / 10);
        g.append(svg("rect", { x: left, y: y + 7, width: w.toFixed(1), height: row - 14, rx: 3, class: `bar ${band(r.score)}` }));
        g.append(svg("text", { x: left + w + 6, y: y + row / 2 + 5, class: "value" }, fmt(r.score)));
      }
      root.append(g);
    });
    return root;
  }

  const chartDrawers = [];

  function chartFigure(caption, draw) {
    const holder = el("div", { className: "chart-holder" });
    const fig = el("figure", { className: "card chart-card" }, el("figcaption", { text: caption }), holder);
    const redraw = () => {
      if (!holder.isConnected) return;
      holder.replaceChildren(draw(holder.clientWidth || 320));
    };
    chartDrawers.push(redraw);
    return { fig, redraw };
  }

  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => [...chartDrawers, ...progressDrawers].forEach((draw) => draw()), 150);
  });

  function reportPoints(title, className, points) {
    const box = el("div", { className: "rq-points" }, el("h5", { text: title }));
    box.append(points.length ? pointList(className, points, false) : el("p", { className: "muted small", text: t("none") }));
    return box;
  }

  function renderReport(report) {
    const box = $("report");
    box.replaceChildren();
    setReportActions(true);
    const questions = Array.isArray(report.questions) ? report.questions : [];

    const meta = [t("answered_of", { a: report.answered ?? "–", p: report.planned ?? questions.length })];
    if (report.hints_used) meta.push(t("hints_used", { n: report.hints_used }));
    if (report.ended_early) meta.push(t("ended_early"));
    const score = typeof report.score === "number" ? report.score : null;
    const overall = el("section", { className: "card overall", "aria-label": t("overall") },
      el("div", { className: `big-score ${score === null ? "" : band(score)}` },
        el("span", { className: "num", text: fmt(score) }), el("span", { className: "of", text: t("out_of") })),
      el("div", null,
        el("p", { className: "level", text: report.level_label || "" }),
        el("p", { className: "muted", text: meta.join(" · ") })));
    box.append(overall);
    if (report.note) box.append(el("p", { className: "muted small note", text: report.note }));

    const charts = el("div", { className: "charts" });
    chartDrawers.length = 0;
    const draws = [];
    const criteria = report.criteria && typeof report.criteria === "object" ? report.criteria : {};
    const critKeys = Object.keys(criteria);
    if (critKeys.length) {
      const { fig, redraw } = chartFigure(t("by_criterion"), (w) => (critKeys.length >= 3 ? radarChart(criteria, w) :
        barChart(critKeys.map((k) => ({ label: critLabel(k), title: critLabel(k), score: criteria[k] })), w)));
      charts.append(fig);
      draws.push(redraw);
    }
    if (questions.length) {
      const rows = questions.map((q, i) => ({
        label: `Q${i + 1}`, title: q.question || "", score: typeof q.score === "number" ? q.score : null,
      }));
      const { fig, redraw } = chartFigure(t("by_question"), (w) => barChart(rows, w));
      charts.append(fig);
      draws.push(redraw);
    }
    box.append(charts);
    draws.forEach((draw) => draw()); // now that the boxes are in the page and have a width

    if (questions.length) {
      const section = el("section", { className: "report-questions" }, el("h3", { text: t("questions") }));
      questions.forEach((q, i) => {
        const s = typeof q.score === "number" ? q.score : null;
        const art = el("article", { className: "card rq" });
        const head = el("div", { className: "rq-head" },
          el("span", { className: "rq-num", text: `Q${i + 1}` }),
          el("strong", { className: `rq-score ${s === null ? "" : band(s)}`, text: s === null ? t(`status_${q.status}`) : `${fmt(s)}${t("out_of")}` }));
        art.append(head, el("p", { className: "rq-question", text: q.question || "" }));
        if (q.topic) art.append(el("p", { className: "muted small", text: t("topic_label", { topic: q.topic }) }));
        const rubric = q.rubric && typeof q.rubric === "object" ? Object.entries(q.rubric) : [];
        if (rubric.length) {
          art.append(el("p", { className: "small rq-rubric", text: rubric.map(([k, v]) => `${critLabel(k)} ${fmt(v)}`).join(" · ") }));
        }
        art.append(reportPoints(t("covered"), "covered", q.covered || []), reportPoints(t("missing"), "missing", q.missed || []));
        if (Array.isArray(q.follow_ups) && q.follow_ups.length) {
          const ul = el("ul", { className: "small" });
          for (const f of q.follow_ups) ul.append(el("li", { text: f }));
          art.append(el("div", { className: "rq-points" }, el("h5", { text: t("follow_ups") }), ul));
        }
        if (Array.isArray(q.flags) && q.flags.length) {
          const flags = el("ul", { className: "flags" });
          for (const f of q.flags) flags.append(el("li", { className: "flag", text: t("flag_" + f) }));
          art.append(flags);
        }
        section.append(art);
      });
      box.append(section);
    }

    const study = el("section", { className: "card study" }, el("h3", { text: t("study_next") }));
    const topics = Array.isArray(report.study_next) ? report.study_next : [];
    if (!topics.length) study.append(el("p", { className: "muted", text: t("no_study") }));
    const ol = el("ol", { className: "study-list" });
    for (const topic of topics) {
      const mean = typeof topic.mean_score === "number" ? t("mean_score", { s: fmt(topic.mean_score) }) : "";
      const li = el("li", null, el("strong", { text: t("study_topic", { topic: topic.topic, n: topic.missed, mean }) }));
      const ul = el("ul", { className: "sections" });
      for (const s of topic.sections || []) {
        ul.append(el("li", null, cite(s),
          s.missed ? el("span", { className: "muted small", text: ` · ${t("study_missed", { n: s.missed })}` }) : null));
      }
      li.append(ul);
      ol.append(li);
    }
    if (topics.length) study.append(ol);
    box.append(study);
  }

  // ---- progress over time -----------------------------------------------------------------------

  const progressDrawers = [];
  const num = (x) => (typeof x === "number" && isFinite(x) ? x : null);

  function when(epoch, withTime) {
    const d = new Date(epoch * 1000);
    const opts = withTime ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
      : { month: "short", day: "numeric" };
    try {
      return d.toLocaleString(app.lang === "zh" ? "zh-CN" : "en", opts);
    } catch (_) {
      return d.toISOString().slice(0, withTime ? 16 : 10).replace("T", " ");
    }
  }

  function trendChart(topic, points, boxWidth) {
    // points: [{at, score}], oldest first; one point per interview that asked about the topic
    const values = points.map((p) => `${when(p.at, true)} ${fmt(p.score)}`).join(", ");
    const W = Math.max(240, Math.min(boxWidth, 640));
    const left = 30, right = 16, top = 10, bottom = 26, H = 150;
    const w = W - left - right, h = H - top - bottom;
    const root = svg("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: "chart trend", role: "img",
      "aria-label": t("trend_label", { topic, values }) });
    const y = (s) => top + h - (h * Math.max(0, Math.min(10, s))) / 10;
    const x = (i) => (points.length === 1 ? left + w / 2 : left + (w * i) / (points.length - 1));
    for (const tick of [0, 5, 10]) {
      root.append(svg("line", { x1: left, y1: y(tick), x2: left + w, y2: y(tick), class: "grid" }));
      root.append(svg("text", { x: left - 6, y: y(tick) + 4, "text-anchor": "end", class: "tick" }, String(tick)));
    }
    const xy = points.map((p, i) => [x(i), y(p.score)]);
    if (xy.length > 1) {
      root.append(svg("polyline", { points: xy.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(" "), class: "line" }));
    }
    points.forEach((p, i) => {
      const g = svg("g", null);
      g.append(svg("title", null, `${when(p.at, true)}: ${fmt(p.score)}`));
      g.append(svg("circle", { cx: xy[i][0].toFixed(1), cy: xy[i][1].toFixed(1), r: 4.5, class: `dot ${band(p.score)}` }));
      root.append(g);
    });
    const first = points[0], last = points[points.length - 1];
    if (points.length === 1) {
      root.append(svg("text", { x: x(0), y: H - 6, "text-anchor": "middle", class: "tick" }, when(first.at)));
    } else {
      root.append(svg("text", { x: left, y: H - 6, "text-anchor": "start", class: "tick" }, when(first.at)));
      root.append(svg("text", { x: left + w, y: H - 6, "text-anchor": "end", class: "tick" }, when(last.at)));
    }
    return root;
  }

  async function showProgressView() {
    clearError();
    if (app.view !== "progress" && !(app.view === "report" && app.reportFrom === "progress")) app.backTo = app.view;
    showView("progress");
    const body = $("progress-body");
    const candidate = loadCandidate();
    if (!candidate) {
      app.progressData = null;
      renderProgressView();
      return;
    }
    body.replaceChildren(el("p", { className: "muted", text: t("progress_loading") }));
    body.setAttribute("aria-busy", "true");
    try {
      const opts = { bearer: candidate.token };
      const [progress, history, reviews] = await Promise.all([
        getJSON("/v1/candidates/me/progress", opts),
        getJSON("/v1/candidates/me/sessions", opts),
        getJSON(`/v1/candidates/me/reviews?language=${app.lang === "en" ? "en" : "zh"}`, opts),
      ]);
      app.progressData = { progress, history: Array.isArray(history.sessions) ? history.sessions : [], reviews };
    } catch (err) {
      if (err.status !== 401) {
        body.replaceChildren();
        showError(err.message);
        return;
      }
      forgetCandidate(); // the server does not know this profile any more: start afresh
      app.progressData = null;
    } finally {
      body.setAttribute("aria-busy", "false");
    }
    renderProgressView();
  }

  function statBox(label, value, id) {
    return el("div", { className: "stat" }, el("dt", { text: label }), el("dd", { id, text: value }));
  }

  function renderProgressView() {
    const body = $("progress-body");
    body.replaceChildren();
    progressDrawers.length = 0;
    const data = app.progressData;
    if (!data || !data.progress || !num(data.progress.attempts) && !data.history.length) {
      body.append(el("p", { className: "card muted", id: "progress-empty", text: t("progress_empty") }));
      return;
    }
    const { progress, history, reviews } = data;
    const dueList = reviews && Array.isArray(reviews.due) ? reviews.due : [];
    const due = num(progress.due) ?? dueList.length;

    body.append(el("dl", { className: "stats", "aria-label": t("stats_label") },
      statBox(t("stat_sessions"), String(history.length), "stat-sessions"),
      statBox(t("stat_answered"), String(progress.items_answered ?? 0), "stat-answered"),
      statBox(t("stat_mean"), fmt(progress.latest_mean), "stat-mean"),
      statBox(t("stat_due"), String(due), "stat-due")));

    // The review queue: how much is due, and a button that starts a review interview.
    const review = el("section", { className: "card review-card", "aria-labelledby": "review-title" },
      el("h3", { id: "review-title", text: t("review_title") }),
      el("p", { id: "due-count", className: due ? "due" : "", text: due ? t("review_due", { n: due }) : t("review_none") }));
    if (!due && reviews && num(reviews.next_due_at)) {
      review.append(el("p", { className: "muted small", text: t("review_next", { when: when(reviews.next_due_at, true) }) }));
    }
    if (dueList.length) {
      const ul = el("ul", { className: "due-list small" });
      // /me/reviews words each question in the page's language (the item's reviewed translation when it has one).
      for (const card of dueList.slice(0, 5)) {
        ul.append(el("li", { text: card.question || card.item_id || "" }));
      }
      if (dueList.length > 5) ul.append(el("li", { className: "muted", text: "…" }));
      review.append(ul);
    }
    const canReview = num(progress.attempts) > 0;
    review.append(el("p", { id: "review-help", className: "muted small",
      text: canReview ? t("review_help") : t("review_needs_history") }));
    const button = el("button", { type: "button", id: "start-review", className: "btn btn-primary",
      "aria-describedby": "due-count review-help", text: t("start_review") });
    button.disabled = !canReview;
    button.addEventListener("click", startReview);
    review.append(button);
    body.append(review);

    // Per topic, weakest first: a chart of the mean score per interview, and the questions behind it.
    const topics = Array.isArray(progress.topics) ? progress.topics : [];
    const items = Array.isArray(progress.items) ? progress.items : [];
    if (topics.length) {
      const section = el("section", { className: "progress-topics", "aria-labelledby": "topics-title" },
        el("h3", { id: "topics-title", text: t("topics_title") }));
      topics.forEach((topic, i) => {
        const headingId = `topic-${i}`;
        const art = el("article", { className: "card topic-card", "aria-labelledby": headingId });
        const head = el("div", { className: "rq-head" }, el("h4", { id: headingId, text: topic.topic }));
        if (topic.weak) head.append(el("span", { className: "badge weak", text: t("weak") }));
        head.append(el("strong", { className: `topic-score ${band(topic.latest_mean)}`, text: `${fmt(topic.latest_mean)}${t("out_of")}` }));
        art.append(head, el("p", { className: "muted small", text: t("topic_stats", {
          latest: fmt(topic.latest_mean), best: fmt(topic.best_mean), items: topic.items, attempts: topic.attempts }) }));
        if (topic.missed) art.append(el("p", { className: "small", text: t("topic_missed", { n: topic.missed }) }));
        const trend = Array.isArray(topic.trend) ? topic.trend.filter((p) => num(p.score) !== null && num(p.at) !== null) : [];
        if (trend.length) {
          const holder = el("div", { className: "chart-holder" });
          art.append(el("figure", { className: "trend-figure" },
            el("figcaption", { className: "muted small", text: t("trend_caption") }), holder));
          const redraw = () => {
            if (holder.isConnected && holder.clientWidth) holder.replaceChildren(trendChart(topic.topic, trend, holder.clientWidth));
          };
          progressDrawers.push(redraw);
        }
        const mine = items.filter((it) => it.topic === topic.topic);
        if (mine.length) {
          const det = el("details", { className: "topic-items" }, el("summary", { text: t("topic_items", { n: mine.length }) }));
          for (const it of mine) {
            const box = el("div", { className: "topic-item" },
              el("p", { className: "rq-question", text: it.question || it.item_id }),
              el("p", { className: "muted small", text: t("item_scores", {
                latest: fmt(it.latest_score), best: fmt(it.best_score), n: it.attempts }) +
                (num(it.due_at) ? ` · ${t("item_due", { when: when(it.due_at, true) })}` : "") }));
            const missed = Array.isArray(it.missed) ? it.missed : [];
            if (missed.length) box.append(el("h5", { text: t("missing") }), pointList("missing", missed, false));
            det.append(box);
          }
          art.append(det);
        }
        section.append(art);
      });
      body.append(section);
    }

    // History, newest first, each with a link to its report.
    const hist = el("section", { className: "progress-history", "aria-labelledby": "history-title" },
      el("h3", { id: "history-title", text: t("history_title") }));
    if (!history.length) hist.append(el("p", { className: "muted", text: t("history_empty") }));
    const ol = el("ol", { className: "history", id: "history-list" });
    for (const entry of [...history].reverse()) {
      const st = entry.state || {};
      const kind = entry.review ? "review" : st.mode === "exam" ? "exam" : "practice";
      const date = when(entry.created_at, true);
      const score = num(entry.score);
      const active = st.status === "active";
      const li = el("li", { className: "card hist-entry" });
      li.append(el("div", { className: "rq-head" },
        el("span", null, el("strong", { text: date }), " ",
          el("span", { className: `badge kind-${kind}`, text: t(`hist_${kind}`) }), " ",
          el("span", { className: "muted small", text: t(active ? "hist_active" : "hist_finished") })),
        el("strong", { className: `hist-score ${score === null ? "muted" : band(score)}`,
          text: score === null ? t("hist_no_score") : `${fmt(score)}${t("out_of")}` })));
      li.append(el("p", { className: "muted small", text: t("hist_answered", { a: st.answered ?? 0, n: st.num_questions ?? "–" }) }));
      const actions = el("div", { className: "hist-actions" });
      if (!(active && st.mode === "exam")) {
        const link = el("a", { href: `#report/${encodeURIComponent(entry.id)}`, className: "report-link", "data-session": entry.id,
          "aria-label": t("report_link_label", { date, mode: t(`hist_${kind}`) }), text: t("view_report") });
        link.addEventListener("click", (e) => {
          e.preventDefault();
          openHistoryReport(entry.id);
        });
        actions.append(link);
      }
      if (active) {
        const cont = el("button", { type: "button", className: "btn btn-ghost btn-small",
          "aria-label": t("continue_label", { date, mode: t(`hist_${kind}`) }), text: t("continue_interview") });
        cont.addEventListener("click", () => continueSession(entry));
        actions.append(cont);
      }
      li.append(actions);
      ol.append(li);
    }
    if (history.length) hist.append(ol);
    body.append(hist);
    progressDrawers.forEach((draw) => draw()); // now that the boxes are in the page and have a width
  }

  async function openHistoryReport(sessionId) {
    const candidate = loadCandidate();
    if (!candidate) return;
    clearError();
    app.reportFrom = "progress";
    app.historyReport = null;
    app.openedReport = sessionId;
    setReportBack();
    setReportActions(false);
    showView("report");
    const box = $("report");
    box.replaceChildren(el("p", { className: "muted", text: t("loading_report") }));
    try {
      const data = await getJSON(`/v1/sessions/${encodeURIComponent(sessionId)}/report`, { bearer: candidate.token });
      app.historyReport = data.report && typeof data.report === "object" ? data.report : data;
    } catch (err) {
      box.replaceChildren();
      showError(err.message);
      return;
    }
    renderReport(app.historyReport);
  }

  function backToProgress() {
    showView("progress");
    renderProgressView(); // redrawn at the width the box has now
    const link = app.openedReport && [...$("progress-body").querySelectorAll("a.report-link")]
      .find((a) => a.dataset.session === app.openedReport);
    if (link) link.focus();
  }

  async function startReview() {
    const due = app.progressData ? num(app.progressData.progress.due) || 0 : 0;
    const fallback = Number($("num-questions").value);
    const n = Math.min(20, Math.max(1, due || (Number.isInteger(fallback) ? fallback : 5)));
    await beginSession({ num_questions: n, language: app.lang, mode: "review" }, $("start-review"), "start_review");
  }

  function continueSession(entry) {
    const candidate = loadCandidate();
    if (!candidate) return;
    // The candidate's token opens its own sessions.
    const st = entry.state || {};
    Object.assign(app, { report: null, summary: null, done: false });
    resume({ id: entry.id, token: candidate.token, mode: st.mode || "practice", language: st.language || app.lang });
  }

  // ---- my notes: knowledge bases of this browser's candidate ----------------------------------------

  const KB_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/; // the server's rule
  const kbPath = (name) => `/v1/knowledge-bases/${encodeURIComponent(name)}`;
  const sizeText = (bytes) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`);
  Object.assign(app, { kbs: null, kbCurrent: null, kbDocs: [], kbResults: [], notesBackTo: "setup" });

  // The knowledge bases this browser may use: default, those made by the CLI, and its candidate's own.
  // Only looking makes no profile; a token the server no longer knows is dropped.
  async function fetchKnowledgeBases() {
    const candidate = loadCandidate();
    try {
      const data = await getJSON("/v1/knowledge-bases", { bearer: candidate ? candidate.token : "" });
      return data.knowledge_bases || [];
    } catch (err) {
      if (!candidate || err.status !== 401) throw err;
      forgetCandidate();
      return fetchKnowledgeBases();
    }
  }

  async function loadKnowledgeBases() {
    try {
      app.kbs = await fetchKnowledgeBases();
    } catch (_) { /* the start form keeps `default` */ }
    renderKbSelect();
  }

  function renderKbSelect() {
    const select = $("knowledge-base");
    const keep = select.value || "default";
    const options = [el("option", { value: "default", text: t("kb_default") })];
    for (const kb of app.kbs || []) {
      if (kb.name === "default") continue;
      options.push(el("option", { value: kb.name, text: t(kb.mine ? "kb_mine" : "kb_shared", { name: kb.name }) }));
    }
    select.replaceChildren(...options);
    select.value = options.some((o) => o.value === keep) ? keep : "default";
    syncTopicsField();
  }

  function syncTopicsField() {
    const own = $("knowledge-base").value !== "default";
    $("topics-field").disabled = own;
    $("topics-default-only").hidden = !own;
  }

  // The status line under My notes: a string key and its values, so a language switch re-words it.
  function setNotesStatus(key, values) {
    app.notesStatus = key ? [key, values] : null;
    $("notes-status").textContent = key ? t(key, values) : "";
  }

  function setKbNameError(message) {
    $("kb-name-error").textContent = message;
    $("kb-name-error").hidden = !message;
    if (message) $("kb-name").setAttribute("aria-invalid", "true");
    else $("kb-name").removeAttribute("aria-invalid");
  }

  async function showNotesView() {
    if (app.view !== "notes") app.notesBackTo = app.view;
    clearError();
    showView("notes");
    await refreshNotes();
  }

  // Reload the list (and the documents of the one being managed), then render; `select` picks one.
  async function refreshNotes(select) {
    const body = $("notes-body");
    body.setAttribute("aria-busy", "true");
    if (!app.kbs) body.replaceChildren(el("p", { className: "muted", text: t("notes_loading") }));
    try {
      app.kbs = await fetchKnowledgeBases();
    } catch (err) {
      showError(err.message);
    }
    renderKbSelect();
    const mine = (app.kbs || []).filter((kb) => kb.mine);
    if (select) app.kbCurrent = select;
    if (!mine.some((kb) => kb.name === app.kbCurrent)) app.kbCurrent = mine.length ? mine[0].name : null;
    app.kbDocs = [];
    const candidate = loadCandidate();
    if (app.kbCurrent && candidate) {
      try {
        app.kbDocs = (await getJSON(`${kbPath(app.kbCurrent)}/documents`, { bearer: candidate.token })).documents || [];
      } catch (err) {
        showError(err.message);
      }
    }
    renderNotes();
    body.setAttribute("aria-busy", "false");
  }

  function resultText(r) {
    return r.ok ? t("kb_uploaded", { name: r.name, n: r.n }) : t("kb_refused", { name: r.name, msg: r.msg });
  }

  function renderNotes() {
    const body = $("notes-body");
    const mine = (app.kbs || []).filter((kb) => kb.mine);
    if (!mine.length || !app.kbCurrent) {
      body.replaceChildren(el("p", { id: "notes-empty", className: "muted", text: t("notes_empty") }));
      return;
    }
    const select = el("select", { id: "kb-current" });
    for (const kb of mine) select.append(el("option", { value: kb.name, text: kb.name }));
    select.value = app.kbCurrent;
    select.addEventListener("change", () => {
      app.kbResults = [];
      refreshNotes(select.value);
    });

    const files = el("input", { id: "kb-files", type: "file", multiple: true, "aria-describedby": "kb-upload-help",
      accept: ".md,.markdown,.txt,text/markdown,text/plain" });
    files.addEventListener("change", () => uploadFiles(files));

    const results = el("ul", { id: "kb-results", className: "kb-results" });
    for (const r of app.kbResults) results.append(el("li", { className: r.ok ? "ok" : "refused", text: resultText(r) }));

    const docs = app.kbDocs;
    const list = el("ul", { id: "kb-docs", className: "kb-docs" });
    for (const d of docs) {
      const remove = el("button", { type: "button", className: "btn btn-ghost btn-small", text: t("kb_delete_doc"),
        "aria-label": t("kb_delete_doc_label", { name: d.name }) });
      remove.addEventListener("click", () => deleteDocument(d.name));
      list.append(el("li", null,
        el("span", { className: "doc-name", text: d.name }),
        el("span", { className: "muted small", text: t("kb_doc_meta", { n: d.questions, size: sizeText(d.bytes) }) }),
        remove));
    }

    const practise = el("button", { type: "button", id: "kb-practise", className: "btn btn-primary", text: t("kb_practise"),
      disabled: !docs.length });
    practise.addEventListener("click", () => practiseOn(app.kbCurrent));
    const drop = el("button", { type: "button", id: "kb-delete", className: "btn btn-danger", text: t("kb_delete") });
    drop.addEventListener("click", () => deleteKnowledgeBase(app.kbCurrent));

    body.replaceChildren(el("section", { className: "card kb-panel", "aria-labelledby": "kb-docs-title" },
      el("div", { className: "field" }, el("label", { for: "kb-current", text: t("kb_select") }), select),
      el("div", { className: "field" }, el("label", { for: "kb-files", text: t("kb_upload") }), files,
        el("p", { id: "kb-upload-help", className: "muted small", text: t("kb_upload_help") })),
      results,
      el("h3", { id: "kb-docs-title", tabindex: "-1", text: t("kb_docs", { n: docs.length }) }),
      docs.length ? list : el("p", { className: "muted small", text: t("kb_no_docs") }),
      el("div", { className: "kb-actions" }, practise, drop)));
  }

  async function createKnowledgeBase(event) {
    event.preventDefault();
    const input = $("kb-name");
    const name = input.value.trim();
    if (!KB_NAME.test(name)) {
      setKbNameError(t("kb_name_invalid"));
      input.focus();
      return;
    }
    setKbNameError("");
    const button = $("kb-create");
    button.disabled = true;
    button.textContent = t("kb_creating");
    const post = async () => getJSON("/v1/knowledge-bases", { method: "POST", body: { name },
      bearer: (await ensureCandidate()).token });
    try {
      let made;
      try {
        made = await post();
      } catch (err) {
        if (err.status !== 401) throw err;
        forgetCandidate(); // the server no longer knows this profile: make a new one
        made = await post();
      }
      input.value = "";
      app.kbResults = [];
      setNotesStatus("kb_created", { name: made.name });
      await refreshNotes(made.name);
      if ($("kb-files")) $("kb-files").focus();
    } catch (err) {
      setKbNameError(err instanceof ApiError && err.detail ? err.detail : err.message);
      input.focus();
    } finally {
      button.disabled = false;
      button.textContent = t("kb_create");
    }
  }

  // Each file goes as its bytes (the server checks the type, binary, encoding and questions) and gets its
  // own line: the questions found, or the server's reason for refusing it.
  async function uploadFiles(input) {
    const files = [...(input.files || [])];
    const kb = app.kbCurrent;
    const candidate = loadCandidate();
    if (!files.length || !kb || !candidate) return;
    input.disabled = true;
    app.kbResults = [];
    for (const file of files) {
      setNotesStatus("kb_uploading", { name: file.name });
      try {
        const bytes = await file.arrayBuffer();
        const doc = await getJSON(`${kbPath(kb)}/documents?name=${encodeURIComponent(file.name)}`,
          { method: "POST", raw: bytes, bearer: candidate.token });
        app.kbResults.push({ ok: true, name: doc.name || file.name, n: doc.questions });
      } catch (err) {
        let msg = err instanceof ApiError ? err.detail || err.message : t("err_read_file");
        if (msg.startsWith(`${file.name}: `)) msg = msg.slice(file.name.length + 2); // the line names it already
        app.kbResults.push({ ok: false, name: file.name, msg });
      }
    }
    const ok = app.kbResults.filter((r) => r.ok).length;
    setNotesStatus("kb_upload_done", { ok, bad: app.kbResults.length - ok });
    await refreshNotes();
    if ($("kb-files")) $("kb-files").focus();
  }

  async function deleteDocument(name) {
    const candidate = loadCandidate();
    if (!candidate || !app.kbCurrent) return;
    try {
      await request(`${kbPath(app.kbCurrent)}/documents/${encodeURIComponent(name)}`,
        { method: "DELETE", bearer: candidate.token });
      app.kbResults = [];
      setNotesStatus("kb_deleted_doc", { name });
    } catch (err) {
      showError(err.message);
    }
    await refreshNotes();
    if ($("kb-docs-title")) $("kb-docs-title").focus();
  }

  async function deleteKnowledgeBase(name) {
    const candidate = loadCandidate();
    if (!candidate || !name || !window.confirm(t("kb_delete_confirm", { name }))) return;
    try {
      await request(kbPath(name), { method: "DELETE", bearer: candidate.token });
      app.kbCurrent = null;
      app.kbResults = [];
      setNotesStatus("kb_deleted", { name });
    } catch (err) {
      showError(err.message);
    }
    await refreshNotes();
    $("kb-name").focus();
  }

  function practiseOn(name) {
    $("knowledge-base").value = name;
    syncTopicsField();
    showView("setup");
    $("knowledge-base").focus();
  }

  // ---- wiring -----------------------------------------------------------------------------------

  function resetToSetup() {
    localStorage.removeItem(STORE_KEY);
    Object.assign(app, { session: null, summary: null, report: null, done: false });
    $("transcript").replaceChildren();
    $("report").replaceChildren();
    $("answer").value = "";
    clearError();
    setStatus("");
    setDone(false);
    renderProgress();
    showView("setup");
    loadKnowledgeBases();
  }

  async function resume(saved) {
    app.session = { id: saved.id, token: saved.token, mode: saved.mode, language: saved.language };
    if (saved.language) setLang(saved.language, false);
    showView("chat", false);
    try {
      await syncSession();
      if (app.session.language) setLang(app.session.language, false);
      if (saved.view === "report" && app.done) await showReport();
      else $("answer").focus();
    } catch (err) {
      const gone = err instanceof ApiError && [401, 403, 404].includes(err.status);
      if (gone) {
        resetToSetup();
        showError(t("resume_failed", { msg: err.message }));
      } else {
        showError(err.message); // keep the saved session: the server may just be down
      }
    }
  }

  function init() {
    const saved = loadSession();
    const browser = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
    setLang((saved && saved.language) || localStorage.getItem(LANG_KEY) || browser, false);
    $("language").value = app.lang;

    $("ui-lang").addEventListener("change", (e) => {
      setLang(e.target.value);
      if (app.view === "setup") $("language").value = app.lang;
      // Re-render the transcript's labels and feedback cards in the new language.
      if (app.view === "chat" && app.session && !app.busy) syncSession().catch((err) => showError(err.message));
    });
    $("language").addEventListener("change", (e) => setLang(e.target.value));
    $("setup-form").addEventListener("submit", startInterview);
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      send($("answer").value, true);
    });
    $("answer").addEventListener("keydown", (e) => {
      // Enter sends; Shift+Enter is a newline; Enter that confirms an IME composition (Chinese input) is neither.
      if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
      e.preventDefault();
      send($("answer").value, true);
    });
    for (const b of document.querySelectorAll("[data-quick]")) {
      b.addEventListener("click", () => {
        if (b.dataset.quick === "end") {
          endInterview();
          return;
        }
        const lang = (app.session && app.session.language) || app.lang;
        send(I18N[lang][`quick_${b.dataset.quick}_text`], false);
      });
    }
    $("show-report").addEventListener("click", showReport);
    $("download-md").addEventListener("click", downloadMarkdown);
    $("print-report").addEventListener("click", () => window.print());
    $("back-to-chat").addEventListener("click", () => (app.reportFrom === "progress" ? backToProgress() : showView("chat")));
    $("show-progress").addEventListener("click", showProgressView);
    $("progress-back").addEventListener("click", () => {
      if (app.backTo === "report" && app.session) showReport();
      else showView(app.backTo === "chat" && app.session ? "chat" : "setup");
    });
    $("new-interview").addEventListener("click", resetToSetup);
    $("show-notes").addEventListener("click", showNotesView);
    $("notes-back").addEventListener("click", () => {
      if (app.notesBackTo === "chat" && app.session) showView("chat");
      else if (app.notesBackTo === "progress") showProgressView();
      else showView("setup");
    });
    $("kb-create-form").addEventListener("submit", createKnowledgeBase);
    $("kb-name").addEventListener("input", () => setKbNameError(""));
    $("knowledge-base").addEventListener("change", syncTopicsField);
    $("error-close").addEventListener("click", clearError);

    loadTopics();
    loadKnowledgeBases();
    if (saved) resume(saved);
    else showView("setup", false);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
