# workerd configuration of the smoke Worker (test/smoke/workerd-smoke.sh fills in the files).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .smokeWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:18787", http = (), service = "main") ],
);

const smokeWorker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "build/worker.js"),
    (name = "kernels.wasm", wasm = embed "build/kernels.wasm"),
    (name = "model.gguf", data = embed "build/model.gguf"),
    (name = "photo.png", data = embed "build/photo.png"),
  ],
  compatibilityDate = "2026-11-01",
);
