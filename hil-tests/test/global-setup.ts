// Global setup/teardown of the hil-tests project: children left by an earlier, interrupted run
// are killed before the tests start, and whatever a failing file left behind after they end.
import { killRecordedChildren } from '../src/children.ts';

export default function setup(): () => void {
  killRecordedChildren();
  return () => {
    const killed = killRecordedChildren();
    if (killed.length > 0) console.warn(`hil-tests: killed leftover child processes ${killed.join(', ')}`);
  };
}
