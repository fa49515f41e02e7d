const protobuf = require('protobufjs');
const proto3 = require('protobufjs-cli/targets/proto3');
const msg = protobuf.Type.fromJSON('PaymentEvents', { edition: 'proto3',
  fields: { payment_id: { type: 'string', id: 1 }, occurred_at: { type: 'google.protobuf.Timestamp', id: 2 }, note: {type:'string', id:3, options: {proto3_optional: true}}, tags: {rule:'repeated', type:'int64', id:4}, meta: {keyType:'string', type:'string', id:5}, cur: {type: 'Currency', id: 6}, amt: {type:'double', id: 8, options: {proto3_optional: true}} },
   reserved: [[7,7],[9,9],'old_name'],
   nested: { Currency: { values: { CURRENCY_UNSPECIFIED: 0, CURRENCY_USD: 1 }, reserved: [[2,2], 'CURRENCY_GBP'] } } });
const root = new protobuf.Root();
root.define('payments.payment_events.v1').add(msg);
try { proto3(root, {}, (e, out) => console.log(e, out)); } catch (e) { console.log('ERR', e.message); }
const root2 = new protobuf.Root();
root2.addJSON(protobuf.common.get('google/protobuf/timestamp.proto').nested);
root2.define('payments.payment_events.v1').add(protobuf.Type.fromJSON('PaymentEvents', {edition:'proto3', ...msg.toJSON()}));
root2.resolveAll();
console.log(msg.toJSON());
const ns = root2.lookup('payments');
const root3 = new protobuf.Root(); root2.remove(ns); root3.add(ns);
try { proto3(root3, {}, (e, out) => console.log(e, out)); } catch (e) { console.log('ERR', e.message); }
