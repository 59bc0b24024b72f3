/**
 * The `gort` command line: offline diagnosis of Flux failures with the rules
 * of the GORT backend.
 *
 * @packageDocumentation
 */
import { run } from './main';

run();
