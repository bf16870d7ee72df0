/** The git backend conformance suite (conformance-cases.ts) on the native backend. */
import { describeConformance } from './conformance-cases';

describeConformance('native');
