import type { ESLint, Rule } from 'eslint';

/** ESLint rule `plumbline/no-cycle`: an import that closes a cycle of runtime imports is an error. */
export declare const noCycle: Rule.RuleModule;
/** The plugin object for eslint.config.js. */
declare const plugin: ESLint.Plugin & { rules: { 'no-cycle': Rule.RuleModule } };
export default plugin;
