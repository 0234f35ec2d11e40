import path from 'node:path';
import type { ProjectView } from '../../src-shared/contract';
import { createProject, openProject } from '../projects/project';
import type { Project } from '../projects/project';
import type { EngineFactory } from './engine-handle';
import { ApiFailure } from './errors';
import { LiveRuns } from './live-runs';
import type { LiveRunsEvents } from './live-runs';
import { RecentProjects } from './recent-projects';
import { projectView } from './views';

/** What one window (or one web host) works on: the open project, its live runs and the recent list. */
export class ApiSession {
  readonly recent: RecentProjects;
  readonly live: LiveRuns;
  private current: Project | null = null;

  constructor(configDir: string, engine: EngineFactory, events: LiveRunsEvents) {
    this.recent = new RecentProjects(configDir);
    this.live = new LiveRuns(engine, events);
  }

  get project(): Project | null {
    return this.current;
  }

  /** The open project; throws 'no-project' when none is open. */
  requireProject(): Project {
    if (!this.current) throw new ApiFailure('no-project', 'no project is open: create or open one first');
    return this.current;
  }

  create(dir: string, name?: string, description?: string): ProjectView {
    this.assertNoLiveRuns('create another project');
    const project = createProject(dir, { name, description });
    return this.replace(project);
  }

  open(dir: string, readOnly: boolean): ProjectView {
    this.assertNoLiveRuns('open another project');
    if (this.current && this.current.dir === path.resolve(dir)) return projectView(this.current);
    const project = openProject(dir, { readOnly });
    return this.replace(project);
  }

  close(): void {
    this.assertNoLiveRuns('close the project');
    this.current?.close();
    this.current = null;
  }

  /** Stops live runs and releases the project's lock (app quit, host shutdown). */
  async shutdown(): Promise<void> {
    await this.live.stopAll();
    this.current?.close();
    this.current = null;
  }

  private replace(project: Project): ProjectView {
    this.current?.close();
    this.current = project;
    this.recent.add(project.dir, project.info.name);
    return projectView(project);
  }

  private assertNoLiveRuns(action: string): void {
    if (this.live.size > 0) throw new ApiFailure('conflict', `cannot ${action} while ${this.live.size} run(s) train; stop them first`);
  }
}
