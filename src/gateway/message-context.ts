export type { MessageContext } from '../definition';
