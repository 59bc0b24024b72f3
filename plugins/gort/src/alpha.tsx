export default undefined as any;
