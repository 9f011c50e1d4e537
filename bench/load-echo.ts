/**
 * The load benchmark's baseline: a bare socket.io server that answers the same events as
 * kubeclass with no work behind them (no auth, no cluster, no database). Whatever latency the
 * clients see here is the transport's and the client process's share of every figure.
 */
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 3480);
const PROMPT = "\x1b[01;32mstudent@minikube\x1b[00m:\x1b[01;34m~\x1b[00m$ ";
// About the size of `kubectl get pods` on a fresh lesson cluster, so both ends move the same bytes.
const GET_PODS =
  "NAME                                   READY   STATUS    RESTARTS   AGE\r\n" +
  "kubernetes-bootcamp-5485cc6795-x7k2p   1/1     Running   0          12s\r\n";

const http = createServer();
const io = new Server(http, { path: "/socket.io", serveClient: false, maxHttpBufferSize: 256 * 1024 });
io.on("connection", (socket) => {
  const lines = new Map<string, string>();
  socket.on("lesson:join", (_req: unknown, ack?: (r: unknown) => void) =>
    ack?.({ ok: true, data: { tabs: [], clusterScenario: "explore-app", lessonScenario: "explore-app" } }),
  );
  socket.on("term:open", (req: { tabId: string }, ack?: (r: unknown) => void) => {
    ack?.({ ok: true });
    socket.emit("term:output", { tabId: req.tabId, data: PROMPT });
  });
  socket.on("term:input", (req: { tabId: string; data: string }) => {
    const line = (lines.get(req.tabId) ?? "") + req.data;
    if (!line.endsWith("\r")) {
      lines.set(req.tabId, line);
      socket.emit("term:output", { tabId: req.tabId, data: req.data });
      return;
    }
    lines.set(req.tabId, "");
    socket.emit("term:output", { tabId: req.tabId, data: `\r\n${GET_PODS}${PROMPT}` });
  });
});
http.listen(port, "127.0.0.1", () => console.log(`READY http://127.0.0.1:${port}`));
process.on("SIGTERM", () => {
  io.close();
  http.close(() => process.exit(0));
});
