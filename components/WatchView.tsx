"use client";

import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import { type ClientToServer, PROTOCOL_VERSION, type ServerToClient } from "@/lib/protocol/socket";

interface Props {
  studentId: string;
  labels: { title: string; idle: string; tab: string };
}

/** Read-only mirrors of a student's terminal tabs, fed live over socket.io. */
export function WatchView({ studentId, labels }: Props) {
  const [tabs, setTabs] = useState<string[]>([]);
  const [live, setLive] = useState(false);
  const hosts = useRef(new Map<string, HTMLDivElement>());
  const terms = useRef(new Map<string, { term: Terminal; fit: FitAddon }>());
  const pending = useRef(new Map<string, string>());

  useEffect(() => {
    const socket: Socket<ServerToClient, ClientToServer> = io({
      path: "/socket.io",
      auth: { protocol: PROTOCOL_VERSION },
    });
    const write = (tabId: string, data: string) => {
      const t = terms.current.get(tabId);
      if (t) t.term.write(data);
      else {
        pending.current.set(tabId, (pending.current.get(tabId) ?? "") + data);
        setTabs((prev) => (prev.includes(tabId) ? prev : [...prev, tabId].sort()));
      }
    };
    socket.on("connect", () => {
      setLive(true);
      socket.emit("watch:start", { studentId }, (res) => {
        if (!res.ok) return;
        for (const t of terms.current.values()) t.term.reset();
        for (const { tabId, screen } of res.data?.tabs ?? []) write(tabId, screen);
      });
    });
    socket.on("disconnect", () => setLive(false));
    socket.on("watch:output", (m) => {
      if (m.studentId === studentId) write(m.tabId, m.data);
    });
    return () => {
      socket.close();
      for (const t of terms.current.values()) t.term.dispose();
      terms.current.clear();
    };
  }, [studentId]);

  useEffect(() => {
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
      ]);
      for (const tabId of tabs) {
        const host = hosts.current.get(tabId);
        if (!host || terms.current.has(tabId)) continue;
        const term = new Terminal({
          disableStdin: true,
          fontSize: 13,
          theme: { background: "#11151c" },
          scrollback: 2000,
        });
        const fit = new FitAddon();
        term.loadAddon(fit);
        term.open(host);
        fit.fit();
        terms.current.set(tabId, { term, fit });
        const early = pending.current.get(tabId);
        if (early) term.write(early);
        pending.current.delete(tabId);
      }
    })();
  }, [tabs]);

  return (
    <main className="page" style={{ maxWidth: "none" }}>
      <h1>
        {labels.title} <span className="who">{live ? "●" : "○"}</span>
      </h1>
      {tabs.length === 0 && <p>{labels.idle}</p>}
      <div className="watch-grid">
        {tabs.map((tabId) => (
          <section key={tabId} className="watch-tab" data-watch-tab={tabId}>
            <div className="watch-title">
              {labels.tab} {tabId}
            </div>
            <div
              className="watch-term"
              ref={(el) => {
                if (el) hosts.current.set(tabId, el);
              }}
            />
          </section>
        ))}
      </div>
    </main>
  );
}
