// A workspace worker's entry (server/worker-pool.ts): the server runs its TypeScript through tsx,
// and a worker thread starts without the parent's loader, so it registers tsx for itself.
import { tsImport } from "tsx/esm/api";

await tsImport("./worker.ts", import.meta.url);
