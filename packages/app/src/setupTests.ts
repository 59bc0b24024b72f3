import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy* and waitFor give up after 1 s by default; on a 2-core machine shared
// with other builds a render with data often takes longer. A missing element
// still fails the test, only later.
configure({ asyncUtilTimeout: 10_000 });
