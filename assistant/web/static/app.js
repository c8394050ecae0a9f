// 이랑 web page. Plain JavaScript, no framework, no build step, nothing from the network
// but this server. Everything a user typed or a plugin returned is put on the page with
// textContent (never as markup), so it always shows as text.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  session: sessionId(),
  debug: false,
  inputs: [], // earlier inputs, oldest first (↑ / ↓)
  cursor: -1,
  draft: "",
  busy: 0,
  slash: [],
};

// -- small helpers -------------------------------------------------------------------

function sessionId() {
  // one conversation per tab: sessionStorage is per tab and survives a reload
  let id = sessionStorage.getItem("irang-session");
  if (!id) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    sessionStorage.setItem("irang-session", id);
  }
  return id;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

async function api(path, body) {
  const init = {
    method: body === undefined ? "GET" : "POST",
    headers: { "X-Session-Id": state.session, Accept: "application/json" },
    credentials: "same-origin",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new Error("서버에 연결할 수 없어요. 서버가 켜져 있는지 확인해 주세요.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch (err) {
    data = null;
  }
  if (!response.ok) {
    throw new Error((data && data.error) || `요청이 실패했어요 (${response.status}).`);
  }
  return data;
}

function scrollDown() {
  const log = $("log");
  log.lastElementChild?.scrollIntoView({ block: "end", behavior: "smooth" });
}

function add(item) {
  $("log").append(item);
  scrollDown();
  return item;
}

// -- time --------------------------------------------------------------------------------

function clock(seconds) {
  // 6일 11:31:26 for a weekly reminder, 1:05:00 for an hour, 04:59 below that
  const s = Math.max(0, Math.ceil(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  if (d) return `${d}일 ${two(h)}:${two(m)}:${two(sec)}`;
  return h ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

function countdown(timer) {
  // remaining is measured by the server at reply time: no clock skew with the browser
  const running = timer.state === "running";
  const node = el("span", {
    class: "countdown",
    "aria-hidden": "true",
    dataset: running ? { end: String(performance.now() + timer.remaining * 1000) } : {},
    text: clock(timer.remaining),
  });
  return node;
}

function tick() {
  const now = performance.now();
  for (const node of document.querySelectorAll(".countdown[data-end]")) {
    const left = (Number(node.dataset.end) - now) / 1000;
    node.textContent = left > 0 ? clock(left) : "끝!";
    if (left <= 0) {
      node.classList.add("done");
      delete node.dataset.end;
    }
  }
}

// -- messages ----------------------------------------------------------------------------

function userBubble(text, past = false) {
  return add(
    el("li", { class: "msg user" + (past ? " past" : "") }, [
      el("span", { class: "sr-only", text: "나: " }),
      el("p", { class: "bubble", text }),
    ]),
  );
}

function botLine(children, extra = "", label = "이랑") {
  return el("li", { class: "msg bot " + extra }, [
    el("span", { class: "who", "aria-hidden": "true", text: label.slice(0, 1) }),
    el("div", { class: "body" }, [el("span", { class: "sr-only", text: `${label}: ` }), ...children]),
  ]);
}

function table(spec) {
  const head = el("tr", {}, spec.columns.map((c) => el("th", { scope: "col", text: c })));
  const rows = spec.rows.map((r) => el("tr", {}, r.map((c) => el("td", { text: c }))));
  return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "표" }, [
    el("table", {}, [el("thead", {}, head), el("tbody", {}, rows)]),
  ]);
}

function timerWidget(timer) {
  return el("div", { class: "timer-widget" + (timer.state === "paused" ? " paused" : "") }, [
    el("span", { class: "timer-label", text: timer.label || timer.name || "타이머" }),
    countdown(timer),
    timer.state === "paused" ? el("span", { class: "badge", text: "멈춤" }) : null,
  ]);
}

const WEATHER_NUMBERS = [
  ["temperature", "기온", "°"],
  ["apparent_temperature", "체감", "°"],
  ["temperature_min", "최저", "°"],
  ["temperature_max", "최고", "°"],
  ["humidity", "습도", "%"],
  ["precipitation_probability", "강수 확률", "%"],
  ["wind_speed", "바람", " m/s"],
];

function dataWidgets(data, view) {
  // plugin data the page knows how to show; anything else stays in the text
  const out = [];
  if (!data) return out;
  if (data.timer && typeof data.timer === "object") out.push(timerWidget(data.timer));
  if (Array.isArray(data.timers) && data.timers.length && !view.table) {
    for (const t of data.timers) out.push(timerWidget(t));
  }
  if (Array.isArray(data.games)) {
    for (const game of data.games) {
      const balls = (game.numbers || []).map((n) => el("span", { class: "ball", text: n }));
      if (game.bonus !== undefined) {
        balls.push(el("span", { class: "plus", text: "+" }), el("span", { class: "ball bonus", text: game.bonus }));
      }
      out.push(el("div", { class: "balls", "aria-hidden": "true" }, balls));
    }
  }
  if (data.place && (data.provider || data.source)) {
    const facts = [el("span", { class: "fact place", text: `📍 ${data.place}` })];
    const numbers = data.current && typeof data.current === "object" ? data.current : data;
    for (const [key, label, unit] of WEATHER_NUMBERS) {
      if (typeof numbers[key] === "number") {
        facts.push(el("span", { class: "fact" }, [el("b", { text: `${numbers[key]}${unit}` }), ` ${label}`]));
      }
    }
    if (data.source) facts.push(el("span", { class: "fact muted", text: `출처: ${data.source}` }));
    out.push(el("div", { class: "facts" }, facts));
  }
  return out;
}

function debugLine(debug) {
  if (!debug) return null;
  const parts = [`의도=${debug.intent}`, `신뢰도=${Number(debug.confidence).toFixed(2)}`, `출처=${debug.plugin}`];
  const slots = Object.entries(debug.slots || {});
  if (slots.length) parts.push("슬롯=" + slots.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", "));
  if (debug.normalized) parts.push(`정규화='${debug.normalized}'`);
  if (debug.emotion) parts.push(`감정=${debug.emotion.label}(${Number(debug.emotion.score).toFixed(2)})`);
  if (debug.note) parts.push(debug.note);
  parts.push(`${Math.round(debug.elapsed_ms)}ms`);
  return el("p", { class: "debug", text: "[debug] " + parts.join(" · ") });
}

function replyItem(result) {
  // result: /api/ask's object (or a command's) with reply, data, view, debug, emotion
  const view = result.view || { kind: "chat" };
  const data = result.data || {};
  const text = el("p", { class: "text", text: result.reply });
  const emotion = result.emotion ? result.emotion.label : "";
  const tone = view.tone ? ` tone-${view.tone}` : "";
  let item;
  if (view.kind === "alert") {
    const resources = (view.resources || []).map((r) =>
      el("li", {}, [
        el("b", { text: r.name || "" }),
        r.phone ? el("span", { class: "phone", text: ` ☎ ${r.phone}` }) : null,
        r.url ? el("span", { text: ` ${r.url}` }) : null,
        r.note ? el("span", { class: "muted", text: ` ${r.note}` }) : null,
      ]),
    );
    const care = view.variant === "care"; // a crisis answer: calm colours, as in the terminal
    item = botLine([
      el("article", { class: `card alert variant-${care ? "care" : "alert"}`, role: "alert" }, [
        el("h3", { text: (care ? "💜 " : "") + (view.title || "꼭 확인해 주세요") }),
        text,
        resources.length ? el("ul", { class: "resources" }, resources) : null,
      ]),
    ]);
  } else if (view.kind === "card" || dataWidgets(data, view).length) {
    item = botLine([
      el("article", { class: "card" + tone }, [
        view.title ? el("h3", { text: view.title }) : null,
        text,
        ...dataWidgets(data, view),
        view.table ? table(view.table) : null,
        data.help ? helpList(data.help) : null,
      ]),
    ]);
  } else {
    item = botLine([el("div", { class: "bubble" + tone, dataset: { emotion } }, [text])]);
  }
  const debug = debugLine(result.debug);
  if (debug) item.querySelector(".body").append(debug);
  return item;
}

function helpList(help) {
  // data.help of the help plugin: {plugin: [{description, examples}]}
  const items = [];
  for (const [plugin, intents] of Object.entries(help)) {
    for (const intent of intents) {
      items.push(el("li", {}, [el("b", { text: `${plugin}: ` }), intent.description || intent.intent]));
    }
  }
  return el("ul", { class: "help-mini" }, items);
}

function systemItem(text, kind = "info") {
  return el("li", { class: `msg system ${kind}`, role: kind === "error" ? "alert" : null }, [el("p", { text })]);
}

function systemLine(text, kind = "info") {
  return add(systemItem(text, kind));
}

function noticeItem(note, past = false) {
  return add(
    botLine(
      [
        el("article", { class: "card notice" }, [
          el("h3", { text: `⏰ ${note.title || "알림"}` }),
          el("p", { class: "text", text: note.text }),
        ]),
      ],
      past ? "past" : "",
    ),
  );
}

// -- turns -------------------------------------------------------------------------------

function setBusy(delta) {
  state.busy += delta;
  document.body.classList.toggle("busy", state.busy > 0);
  $("log").setAttribute("aria-busy", state.busy > 0 ? "true" : "false");
}

function typing() {
  return add(botLine([el("div", { class: "bubble typing", text: "입력 중…" })], "pending"));
}

async function say(text) {
  userBubble(text);
  const wait = typing();
  setBusy(1);
  try {
    const result = await api("/api/ask", { text });
    wait.replaceWith(replyItem(result)); // in place: each answer stays under its question
    scrollDown();
  } catch (err) {
    wait.replaceWith(systemItem(err.message, "error"));
  } finally {
    setBusy(-1);
  }
}

async function slash(line) {
  const name = line.slice(1).split(/\s+/)[0].toLowerCase();
  if (name === "debug") return toggleDebug();
  if (name === "help") return openHelp();
  if (name === "quit" || name === "exit" || name === "q") {
    return systemLine("웹 페이지에서는 탭을 닫으면 돼요. 타이머는 서버에서 계속 돌아가요.");
  }
  userBubble(line);
  try {
    const result = await api("/api/command", { text: line });
    if (result.plugins) {
      const rows = result.plugins.map((p) => [p.name, p.version || "-", p.source, p.enabled ? "예" : p.error ? "오류" : "아니요"]);
      add(replyItem({ reply: "설치된 플러그인이에요.", view: { kind: "card", title: "플러그인", table: { columns: ["이름", "버전", "출처", "사용"], rows } } }));
    } else if (result.reply) {
      add(replyItem({ reply: result.reply, data: result.data, view: result.view || { kind: "chat" } }));
    }
    if (name === "timers") refreshTimers();
  } catch (err) {
    systemLine(err.message, "error");
  }
}

function toggleDebug(force) {
  state.debug = force === undefined ? !state.debug : force;
  document.body.classList.toggle("show-debug", state.debug);
  $("btn-debug").setAttribute("aria-pressed", String(state.debug));
  if (force === undefined) systemLine(`디버그 표시를 ${state.debug ? "켰" : "껐"}어요.`);
}

async function reset() {
  try {
    const result = await api("/api/command", { text: "/reset" });
    systemLine(result.reply);
  } catch (err) {
    systemLine(err.message, "error");
  }
}

// -- timers panel -------------------------------------------------------------------------

async function refreshTimers() {
  let result;
  try {
    result = await api("/api/timers");
  } catch (err) {
    return;
  }
  const list = $("timers");
  list.replaceChildren(
    ...result.timers.map((t) =>
      el("li", { class: "timer-row" + (t.state === "paused" ? " paused" : "") }, [
        el("span", { class: "sr-only", text: `${t.label}, ${t.state === "paused" ? "멈춤" : "진행 중"}` }),
        el("span", { class: "kind", "aria-hidden": "true", text: t.kind === "alarm" ? "⏰" : "⏱" }),
        el("span", { class: "timer-label", "aria-hidden": "true", text: t.label }),
        countdown(t),
      ]),
    ),
  );
  $("timers-count").textContent = String(result.timers.length);
  $("timers-empty").hidden = result.timers.length > 0;
  if (!result.available) $("timers-empty").textContent = result.reply;
}

// -- notifications (server-sent events) ---------------------------------------------------

function connectEvents() {
  const conn = $("conn");
  const source = new EventSource("/api/events");
  source.addEventListener("hello", () => {
    conn.dataset.state = "open";
    conn.textContent = "연결됨";
    refreshTimers(); // (re)connected: timers may have changed meanwhile
  });
  source.addEventListener("notification", (event) => {
    const note = JSON.parse(event.data);
    noticeItem(note);
    refreshTimers();
    if ("Notification" in window && Notification.permission === "granted") {
      try {
        new Notification(`이랑 · ${note.title || "알림"}`, { body: note.text, tag: `irang-${event.lastEventId}` });
      } catch (err) {
        /* some browsers only allow notifications from a service worker */
      }
    }
  });
  source.addEventListener("turn", (event) => {
    // a command in this or another tab: its timers may have changed
    if (JSON.parse(event.data).plugin === "timers") refreshTimers();
  });
  source.onerror = () => {
    conn.dataset.state = "closed";
    conn.textContent = "연결 끊김 · 다시 연결 중…";
  };
}

function setupNotifyButton() {
  const button = $("btn-notify");
  if (!("Notification" in window) || Notification.permission !== "default") return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const answer = await Notification.requestPermission();
    button.hidden = true;
    systemLine(answer === "granted" ? "타이머가 끝나면 브라우저 알림으로도 알려드릴게요." : "브라우저 알림은 쓰지 않을게요. 이 페이지에는 계속 표시돼요.");
  });
}

// -- help -----------------------------------------------------------------------------------

async function openHelp() {
  const dialog = $("help");
  const body = $("help-body");
  try {
    const help = await api("/api/help");
    const sections = help.plugins.map((entry) =>
      el("section", { class: "help-plugin" }, [
        el("h3", { text: entry.plugin }),
        el(
          "ul",
          {},
          entry.intents.map((intent) =>
            el("li", {}, [
              el("span", { class: "desc", text: intent.description }),
              el(
                "span",
                { class: "examples" },
                intent.examples.map((example) => el("button", { type: "button", class: "example", dataset: { say: example }, text: example })),
              ),
            ]),
          ),
        ),
      ]),
    );
    if (help.fallback.length) {
      sections.push(
        el("section", { class: "help-plugin" }, [
          el("h3", { text: help.fallback.join(", ") }),
          el("p", { text: "그 밖의 말씀에는 대화로 답해요." }, []),
          el("button", { type: "button", class: "example", dataset: { say: help.fallback_example }, text: help.fallback_example }),
        ]),
      );
    }
    sections.push(
      el("section", { class: "help-plugin" }, [
        el("h3", { text: "명령" }),
        el("ul", { class: "slash" }, help.slash.map((s) => el("li", {}, [el("code", { text: `/${s.name}` }), ` ${s.help}`]))),
      ]),
    );
    body.replaceChildren(...sections);
  } catch (err) {
    body.replaceChildren(el("p", { class: "error", text: err.message }));
  }
  dialog.showModal();
}

// -- history ---------------------------------------------------------------------------------

async function loadHistory() {
  let result;
  try {
    result = await api("/api/history?n=30");
  } catch (err) {
    systemLine(err.message, "error");
    return false;
  }
  const turns = result.turns || [];
  for (const turn of turns) {
    if (turn.text) {
      userBubble(turn.text, true);
      state.inputs.push(turn.text);
      add(botLine([el("div", { class: "bubble", text: turn.reply || "" })], "past"));
    } else if (turn.reply) {
      noticeItem({ title: turn.intent === "timer.fired" ? "타이머" : "알림", text: turn.reply }, true);
    }
  }
  if (turns.length) add(el("li", { class: "divider", role: "separator", text: "이전 대화 · 여기부터 새 대화" }));
  return true;
}

// -- input --------------------------------------------------------------------------------------

function onKey(event) {
  const input = $("input");
  if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (!state.inputs.length) return;
  event.preventDefault();
  if (state.cursor === -1) {
    if (event.key === "ArrowDown") return;
    state.draft = input.value;
    state.cursor = state.inputs.length;
  }
  state.cursor += event.key === "ArrowUp" ? -1 : 1;
  if (state.cursor < 0) state.cursor = 0;
  if (state.cursor >= state.inputs.length) {
    state.cursor = -1;
    input.value = state.draft;
  } else {
    input.value = state.inputs[state.cursor];
  }
  input.setSelectionRange(input.value.length, input.value.length);
}

function onSubmit(event) {
  event.preventDefault();
  const input = $("input");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  state.cursor = -1;
  if (state.inputs[state.inputs.length - 1] !== text) state.inputs.push(text);
  if (text.trim().startsWith("/")) slash(text.trim());
  else say(text);
}

async function start() {
  $("composer").addEventListener("submit", onSubmit);
  $("input").addEventListener("keydown", onKey);
  $("btn-debug").addEventListener("click", () => toggleDebug());
  $("btn-reset").addEventListener("click", reset);
  $("btn-help").addEventListener("click", openHelp);
  $("help-close").addEventListener("click", () => $("help").close());
  $("help").addEventListener("close", () => $("input").focus());
  $("help-body").addEventListener("click", (event) => {
    const target = event.target.closest("button.example");
    if (!target) return;
    $("help").close();
    say(target.dataset.say);
  });
  setupNotifyButton();
  setInterval(tick, 250);
  setInterval(refreshTimers, 15000);
  try {
    const status = await api("/api/status");
    $("name").textContent = status.name;
    document.title = status.name;
    toggleDebug(status.debug);
    if (await loadHistory()) systemLine(status.greeting, "greeting");
    connectEvents();
  } catch (err) {
    systemLine(err.message, "error");
    $("conn").dataset.state = "closed";
    $("conn").textContent = "연결 안 됨";
  }
  $("input").focus();
}

document.addEventListener("DOMContentLoaded", start);
