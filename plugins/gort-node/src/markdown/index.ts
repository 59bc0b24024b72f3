export { codeBlock, neutraliseCell, neutraliseText, quoteAiProse } from './neutralise';
