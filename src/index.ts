/**
 * The handlers manifest.yml names (`index.<name>`), and nothing else: each entry
 * point only translates between Forge and the core.
 */
export { webtrigger } from './forge/entry/webtrigger';
export { resolver } from './forge/entry/resolver';
export { consumer } from './forge/entry/consumer';
export { housekeeping } from './forge/entry/housekeeping';
export { panelResolver } from './forge/entry/panel-resolver';
export { issueChanges, outboundConsumer } from './forge/entry/issue-changes';
