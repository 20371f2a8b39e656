"""A minimal Streamlit client at the protocol level: what the browser's JavaScript does, without a browser.

The browser opens a websocket to /_stcore/stream (subprotocol "streamlit"), then every run of the page script is a
BackMsg `rerun_script` carrying a ClientState (the URL's query string, the page, the widget values). The server
answers with ForwardMsgs — `new_session`, the page's `delta`s (one per element), and `script_finished`. So the time
from sending the BackMsg to receiving `script_finished` is the server's cost of the interaction (on loopback, the
network adds well under a millisecond); an `exception` element or an error alert in the deltas is an app failure.

Uses Streamlit's own protobufs (streamlit.proto) and websocket-client (synchronous; gevent-friendly under Locust).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Widget:
    id: str
    kind: str  # selectbox, radio, checkbox (toggle), …
    label: str
    options: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    seconds: float  # BackMsg sent → script_finished received
    messages: int
    bytes_received: int
    status: str  # "ok", or what went wrong
    errors: list[str] = field(default_factory=list)  # exception elements and error alerts shown on the page
    page: str = ""


class ProtocolError(Exception):
    pass


class StreamlitSession:
    """One browser tab's session: connect, then `run(page, query)` / `change(widget, value)` reruns."""

    def __init__(self, base_url: str, timeout: float = 30.0, cookie: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookie = cookie
        self.ws: websocket.WebSocket | None = None
        self.widgets: dict[str, Widget] = {}
        self.page = ""
        self.query = ""
        self.page_hashes: dict[str, str] = {}  # url path → page script hash (from the navigation message)

    def connect(self) -> float:
        url = self.base_url.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        t0 = time.perf_counter()
        self.ws = websocket.create_connection(url, timeout=self.timeout, subprotocols=["streamlit"],
                                              cookie=self.cookie, enable_multithread=False)
        return time.perf_counter() - t0

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            finally:
                self.ws = None

    def run(self, page: str = "", query: str = "", widget_states: list[WidgetState] | None = None) -> RunResult:
        """Run `page` (its url path; "" = the default page) with the URL query string `query`."""
        if self.ws is None:
            self.connect()
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = query
        state.page_name = page
        if page in self.page_hashes and page != self.page:
            state.page_script_hash = self.page_hashes[page]
        elif page == self.page and self.page in self.page_hashes:
            state.page_script_hash = self.page_hashes[page]
        for ws_state in widget_states or []:
            state.widget_states.widgets.append(ws_state)
        if page != self.page:
            self.widgets = {}
        self.page, self.query = page, query
        return self._send_and_wait(msg)

    def change(self, label: str, choose=None) -> RunResult:
        """Pick another option of the selectbox or radio labelled `label` (`choose(options, current)` → option)."""
        widget = next((w for w in self.widgets.values() if w.label == label), None)
        if widget is None:
            raise ProtocolError(f"no widget labelled {label!r} on page {self.page!r}: "
                                f"{sorted(w.label for w in self.widgets.values())}")
        value = choose(widget.options) if choose else widget.options[-1]
        state = WidgetState(id=widget.id, string_value=value)
        return self.run(self.page, self.query, [state])

    def _send_and_wait(self, msg: BackMsg) -> RunResult:
        assert self.ws is not None
        t0 = time.perf_counter()
        self.ws.send_binary(msg.SerializeToString())
        messages = received = 0
        errors: list[str] = []
        deadline = t0 + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return RunResult(time.perf_counter() - t0, messages, received, "timeout", errors, self.page)
            self.ws.settimeout(remaining)
            try:
                opcode, data = self.ws.recv_data()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError) as exc:
                return RunResult(time.perf_counter() - t0, messages, received, f"connection: {exc}", errors, self.page)
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            messages += 1
            received += len(data)
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                self._read_delta(fwd, errors)
            elif kind == "navigation":
                for page in fwd.navigation.app_pages:
                    self.page_hashes[page.url_pathname] = page.page_script_hash
            elif kind == "page_not_found":
                errors.append(f"page not found: {fwd.page_not_found.page_name}")
            elif kind == "script_finished":
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the app itself asked for a rerun (st.switch_page, st.rerun): the next run follows
                status = "ok" if fwd.script_finished in FINISHED_OK else f"script finished with {fwd.script_finished}"
                if errors and status == "ok":
                    status = "app error"
                return RunResult(time.perf_counter() - t0, messages, received, status, errors, self.page)

    def _read_delta(self, fwd: ForwardMsg, errors: list[str]) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            errors.append(f"exception: {element.exception.type}: {element.exception.message[:200]}")
        elif kind == "alert" and element.alert.format == element.alert.ERROR:
            errors.append(f"error alert: {element.alert.body[:200]}")
        elif kind in ("selectbox", "radio"):
            proto = getattr(element, kind)
            self.widgets[proto.id] = Widget(proto.id, kind, proto.label, list(proto.options))
