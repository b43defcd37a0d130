/**
 * The Jira writes a plan asks for, one request each (a transition may carry a
 * comment, fields and the `backline` property), and their short description
 * for logs and the Activity view.
 */
import type { LifecycleStage, StatusRef } from '../config/model';
import type { AdfDocument, RemoteLinkInput } from '../jira/issue-types';
import type { MoveRule } from './move-policy';

export type JiraWrite =
  | { kind: 'create'; fields: Record<string, unknown>; property: Record<string, unknown> }
  | { kind: 'edit'; fields: Record<string, unknown>; property?: Record<string, unknown> }
  | {
      kind: 'transition';
      stage: LifecycleStage;
      target: StatusRef;
      /** Resolution wanted by name (config.resolutions). */
      resolutionName?: string;
      comment?: AdfDocument;
      /** Field values that ride along when the transition screen has them (else a separate edit). */
      fields?: Record<string, unknown>;
      property?: Record<string, unknown>;
      /** From where the move may happen (docs/sync.md, "People win"); the applier judges it on Jira's answer. */
      rule: MoveRule;
    }
  | { kind: 'comment'; body: AdfDocument }
  | { kind: 'property'; value: Record<string, unknown> }
  | { kind: 'remotelink'; link: RemoteLinkInput };

export type TransitionWrite = Extract<JiraWrite, { kind: 'transition' }>;

export function describeWrite(write: JiraWrite): string {
  switch (write.kind) {
    case 'transition':
      return `transition→${write.target.name}${write.comment ? '+comment' : ''}${write.property ? '+property' : ''}`;
    case 'edit':
      return `edit(${Object.keys(write.fields).join(',')})${write.property ? '+property' : ''}`;
    default:
      return write.kind;
  }
}
