// Everything that runs anywhere tfjs runs (what browsers get, see browser.ts).
export * from './browser.js';

// Saving and loading on the local file system, without tfjs-node (Node only).
export { fileSystemIOHandler, loadModel, MODEL_JSON_FILE, saveModel, WEIGHTS_FILE } from './io.js';

// PyTorch checkpoints (torch.save's zip format), read without Python (Node only).
export { readTorchCheckpoint, TorchCheckpointError, writeTorchCheckpoint } from './torch-checkpoint.js';
export type { TorchCheckpoint, WriteTorchCheckpointOptions } from './torch-checkpoint.js';
