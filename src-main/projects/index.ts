/**
 * Experiment projects on disk: one module of operations for the CLI and, later, the UI's
 * main process. Pure Node (no Electron); training goes through a session runner.
 */
export { Project, createProject, openProject, deleteProject } from './project';
export type { OpenOptions } from './project';
export { ProjectError } from './errors';
export type { ProjectErrorCode } from './errors';
export { circuitNames, listCircuits, readCircuit, saveCircuit, renameCircuit, deleteCircuit, circuitFile } from './circuits';
export type { CircuitEntry } from './circuits';
export { listRuns, getRun, readRun, deleteRun, setTags, readNotes, writeNotes, runDir } from './runs';
export type { RunEntry, RunFilter, FileProblem } from './runs';
export { readMetrics, tailWarning } from './metrics';
export type { MetricsContent } from './metrics';
export { listCheckpoints } from './checkpoints';
export type { CheckpointFile } from './checkpoints';
export { startRun, resumeRun, rerunRun } from './launch';
export type { LaunchHooks, NewRun, RunOutcome, SessionRunner } from './launch';
export { compareRuns, configDifferences } from './compare';
export type { Comparison, SeedGroup, RunSeries } from './compare';
export { MIGRATIONS } from './migrate';
export type { Migration } from './migrate';
export { LOCK_FILE } from './lock';
export { METRICS_FILE, RUN_FILE, NOTES_FILE, PROJECT_FILE, CIRCUITS_DIR, RUNS_DIR, CHECKPOINTS_DIR } from './layout';
