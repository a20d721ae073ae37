/*
 * The clinic's chat widget. A clinic pastes one line into its site:
 *
 *   <script src="https://chat.example-clinic.ca/widget/clinic-chat.js"
 *           data-server="https://chat.example-clinic.ca:5005" defer></script>
 *
 * It loads socket.io-client (served next to this file, pinned in package-lock.json), talks to
 * Rasa's socket.io channel with session persistence, and keeps the transcript in localStorage,
 * so reloading the page or moving to another page of the site keeps the conversation.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script.src.replace(/clinic-chat\.js(\?.*)?$/, "");
  var params = new URLSearchParams(window.location.search);
  var server = script.getAttribute("data-server") || params.get("chat_server") ||
    window.location.protocol + "//" + window.location.hostname + ":5005";
  var title = script.getAttribute("data-title") || "Ask about dry needling (IMS)";
  var STORE = "clinic-chat:v1";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  var state = load();
  state.log = state.log || [];

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "clinic-chat.css";
  document.head.appendChild(css);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // ---- markup: a launcher button and a dialog panel ------------------------------------
  var root = el("div", { "class": "cc-root" });
  var launcher = el("button", { "class": "cc-launcher", type: "button", "aria-expanded": "false",
    "aria-controls": "cc-panel", "aria-label": "Open chat with the clinic assistant" }, "Chat");
  var panel = el("section", { "class": "cc-panel", id: "cc-panel", role: "dialog",
    "aria-label": title, hidden: "" });
  var header = el("header", { "class": "cc-header" });
  header.appendChild(el("h2", { "class": "cc-title" }, title));
  var close = el("button", { "class": "cc-close", type: "button", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(close);
  var notice = el("p", { "class": "cc-notice" },
    "Automated assistant: general information, not medical advice. In an emergency call 911.");
  // The live log is a wrapper around a real list: role="log" on the <ol> itself would take away its
  // list semantics and leave the <li> items orphaned for screen readers.
  var log = el("div", { "class": "cc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  var list = el("ol", { "class": "cc-list" });
  log.appendChild(list);
  var typing = el("p", { "class": "cc-typing", hidden: "", "aria-live": "polite" }, "Assistant is typing\u2026");
  var form = el("form", { "class": "cc-form" });
  var label = el("label", { "for": "cc-input", "class": "cc-visually-hidden" }, "Your message");
  var input = el("input", { id: "cc-input", "class": "cc-input", type: "text", autocomplete: "off",
    maxlength: "1000", placeholder: "Type your question\u2026", dir: "auto" });
  var send = el("button", { "class": "cc-send", type: "submit" }, "Send");
  form.appendChild(label); form.appendChild(input); form.appendChild(send);
  panel.appendChild(header); panel.appendChild(notice); panel.appendChild(log);
  panel.appendChild(typing); panel.appendChild(form);
  root.appendChild(panel); root.appendChild(launcher);

  // ---- rendering ---------------------------------------------------------------------------
  // links, phone numbers and call-back references: http(s) links open in a new tab; phone numbers
  // (the clinic's, 911, 988, 8-1-1) are tap-to-call; a reference (CB-F8YCL) never breaks across lines
  var TOKENS = /(https?:\/\/[^\s)]+|\+?1?[ .-]?\(?\b\d{3}\)?[ .-]\d{3}[ .-]\d{4}\b|\b8-1-1\b|\b911\b|\b988\b|\bCB-[A-Z0-9]{5}\b)/g;
  function linkify(parent, text) {
    // text nodes only (never innerHTML)
    String(text).split(TOKENS).forEach(function (part, i) {
      if (i % 2 === 1 && /^https?:/.test(part)) {
        var clean = part.replace(/[.,;]+$/, "");
        var a = el("a", { href: clean, target: "_blank", rel: "noopener noreferrer" }, clean);
        parent.appendChild(a);
        if (clean.length < part.length) { parent.appendChild(document.createTextNode(part.slice(clean.length))); }
      } else if (i % 2 === 1 && /^CB-/.test(part)) {
        parent.appendChild(el("span", { "class": "cc-nowrap" }, part));
      } else if (i % 2 === 1) {
        var digits = part.replace(/[^\d+]/g, "");
        parent.appendChild(el("a", { href: "tel:" + digits, "class": "cc-nowrap" }, part.trim()));
        if (part !== part.trimStart()) { parent.insertBefore(document.createTextNode(" "), parent.lastChild); }
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  function render(entry, live) {
    var item = el("li", { "class": "cc-msg cc-" + entry.from });
    var who = el("span", { "class": "cc-visually-hidden" }, entry.from === "user" ? "You: " : "Assistant: ");
    item.appendChild(who);
    // dir="auto" on each line: a Farsi line reads right to left, the English line under it left to right
    var bubble = el("span", { "class": "cc-bubble", dir: "auto" });
    String(entry.text || "").split("\n").forEach(function (line) {
      var row = el("span", { "class": "cc-line", dir: "auto" });
      linkify(row, line);
      bubble.appendChild(row);
    });
    item.appendChild(bubble);
    if (entry.buttons && entry.buttons.length && live) {
      var group = el("div", { "class": "cc-replies", role: "group", "aria-label": "Suggested replies" });
      entry.buttons.forEach(function (b) {
        var button = el("button", { type: "button", "class": "cc-reply", dir: "auto" }, b.title);
        button.addEventListener("click", function () {
          group.remove();
          sendMessage(b.payload, b.title);
          input.focus();  // a keyboard user keeps their place instead of landing on the page body
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    list.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function rerender() {
    list.textContent = "";
    state.log.forEach(function (entry, i) { render(entry, i === state.log.length - 1); });
  }

  function remember(entry) {
    state.log.push(entry);
    state.log = state.log.slice(-100);
    save(state);
    rerender();
  }

  // ---- connection ----------------------------------------------------------------------------
  var socket = null;
  var typingTimer = null;

  function connect() {
    if (socket) { return; }
    socket = window.io(server, { path: "/socket.io", transports: ["websocket", "polling"] });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: state.session_id || null });
    });
    socket.on("session_confirm", function (sessionId) {
      var id = typeof sessionId === "string" ? sessionId : (sessionId && sessionId.session_id);
      if (id && id !== state.session_id) { state.session_id = id; save(state); }
      if (!state.log.length) { sendMessage("/greet", null); }
    });
    socket.on("bot_uttered", function (message) {
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 300);
      var buttons = (message.quick_replies || message.buttons || []).map(function (b) {
        return { title: b.title, payload: b.payload };
      });
      remember({ from: "bot", text: message.text || "", buttons: buttons });
    });
    socket.on("connect_error", function () {
      typing.hidden = true;
    });
  }

  function sendMessage(payload, shown) {
    if (!socket || !state.session_id) { return; }
    if (shown !== null) { remember({ from: "user", text: shown || payload }); }
    typing.hidden = false;
    socket.emit("user_uttered", { message: payload, session_id: state.session_id });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    launcher.textContent = "Close chat";
    launcher.setAttribute("aria-label", "Close chat with the clinic assistant");
    state.open = true; save(state);
    connect();
    log.scrollTop = log.scrollHeight;  // the latest answer and its buttons in sight after a reload
    input.focus();
  }
  function shut() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.textContent = "Chat";
    launcher.setAttribute("aria-label", "Open chat with the clinic assistant");
    state.open = false; save(state);
    launcher.focus();
  }

  launcher.addEventListener("click", function () { if (panel.hidden) { open(); } else { shut(); } });
  close.addEventListener("click", shut);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { shut(); } });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    sendMessage(text, text);
  });

  function start() {
    document.body.appendChild(root);
    rerender();
    if (state.open) { open(); }
  }

  var io = document.createElement("script");
  io.src = base + "socket.io.min.js";
  io.onload = function () {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  };
  document.head.appendChild(io);
})();
