/** The git backend conformance suite (conformance-cases.ts) on the embedded backend. */
import { describeConformance } from './conformance-cases';

describeConformance('embedded');
