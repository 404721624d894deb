export { Gateway } from './gateway';
export { OnConnect } from './on-connect';
export { OnMessage, type OnMessageOptions } from './on-message';
export { OnClose } from './on-close';
export { MessageBody } from './message-body';
export { ConnectedSocket } from './connected-socket';
export { Param } from './param';
export { Query } from './query';
export { Req } from './req';
