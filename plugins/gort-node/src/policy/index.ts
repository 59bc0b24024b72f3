export { reviewEdits } from './editPolicy';
export type { EditPolicyReview, PolicyFinding, PolicyRule } from './editPolicy';
