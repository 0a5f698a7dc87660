// vault_node.js - the node-vault client's side of test_vault_node.sh: one
// step per Vault call a real application makes, each printed "ok"/"FAIL";
// exits 1 on the first failure.  Env: VAULT_ADDR, CA_FILE, NODE_PATH.
'use strict';
const fs = require('fs');
const ca = fs.readFileSync(process.env.CA_FILE);
const mk = (token) => require('node-vault')({
	endpoint: process.env.VAULT_ADDR, token, requestOptions: { ca },
});
const assert = (name, cond, got) => {
	if (!cond) throw new Error(`${name}: got ${JSON.stringify(got)}`);
	console.log(`ok   ${name}`);
};
const status = async (p) => {
	try { await p; return 200; } catch (e) { return e.response ? e.response.statusCode : String(e); }
};

(async () => {
	const op = mk();
	const init = await op.init({ secret_shares: 3, secret_threshold: 2 });
	assert('init returns 3 keys and a root token', init.keys.length === 3 && init.root_token, init);
	op.token = init.root_token;
	let st = await op.unseal({ key: init.keys[0] });
	assert('unseal progress 1/2', st.sealed === true && st.progress === 1, st);
	st = await op.unseal({ key: init.keys[2] });
	assert('unsealed', st.sealed === false, st);
	const ss = await op.status();
	assert('seal status', ss.sealed === false && ss.t === 2 && ss.n === 3, ss);
	const h = await op.health();
	assert('health', h.initialized === true && h.sealed === false, h);

	await op.addPolicy({ name: 'app', rules:
		'path "secret/data/app/*" { capabilities = ["create", "read", "update", "delete"] }\n' +
		'path "secret/metadata/app/*" { capabilities = ["read", "list", "delete"] }\n' +
		'path "secret/delete/app/*" { capabilities = ["update"] }\n' +
		'path "secret/undelete/app/*" { capabilities = ["update"] }\n' +
		'path "secret/destroy/app/*" { capabilities = ["update"] }\n' });
	const pol = await op.getPolicy({ name: 'app' });
	assert('policy read back', /secret\/data\/app/.test(pol.rules || (pol.data && pol.data.rules)), pol);
	const pols = await op.policies();
	assert('policies list', JSON.stringify(pols).includes('"app"'), pols);

	let app;
	const auths = await op.auths().catch(() => ({}));
	const hasApprole = JSON.stringify(auths).includes('approle/');
	if (hasApprole) {
		await op.addApproleRole({ role_name: 'app', policies: 'app' });
		const rid = (await op.getApproleRoleId({ role_name: 'app' })).data.role_id;
		const sid = (await op.getApproleRoleSecret({ role_name: 'app' })).data.secret_id;
		const login = await op.approleLogin({ role_id: rid, secret_id: sid });
		assert('approle login', login.auth && login.auth.client_token, login);
		app = mk(login.auth.client_token);
	} else {
		console.log('note no auth/approle on this server: token create with the policy');
		const t = await op.tokenCreate({ policies: ['app'], ttl: '1h' });
		assert('token create', t.auth && t.auth.client_token && t.auth.policies.includes('app'), t);
		app = mk(t.auth.client_token);
	}
	// node-vault adopts the token of any login/create response (its
	// tokenSource commands): the operator client goes back to root
	op.token = init.root_token;
	const self = await app.tokenLookupSelf();
	assert('lookup-self', self.data.policies.includes('app'), self.data);

	const w1 = await app.write('secret/data/app/db', { data: { password: 'v1' } });
	assert('kv write v1', w1.data.version === 1, w1);
	const w2 = await app.write('secret/data/app/db', { data: { password: 'v2' }, options: { cas: 1 } });
	assert('kv write v2 with cas=1', w2.data.version === 2, w2);
	let r = await app.read('secret/data/app/db');
	assert('kv read latest', r.data.data.password === 'v2' && r.data.metadata.version === 2, r.data);
	r = await app.read('secret/data/app/db?version=1');
	assert('kv read version 1', r.data.data.password === 'v1', r.data);
	const m = await app.read('secret/metadata/app/db');
	assert('kv metadata: 2 versions', m.data.current_version === 2 && Object.keys(m.data.versions).length === 2, m.data);
	let code = await status(app.write('secret/data/app/db', { data: { password: 'x' }, options: { cas: 1 } }));
	assert('cas conflict is 400', code === 400, code);
	const l = await app.list('secret/metadata/app/');
	assert('kv list', l.data.keys.includes('db'), l.data);
	const gl = mk(app.token);
	gl.noCustomHTTPVerbs = true; /* GET ?list=1 */
	const l1 = await gl.list('secret/metadata/app/');
	assert('kv list as GET ?list=1', l1.data.keys.includes('db'), l1.data);

	await app.delete('secret/data/app/db');
	code = await status(app.read('secret/data/app/db'));
	assert('deleted latest reads 404', code === 404, code);
	await app.write('secret/undelete/app/db', { versions: [2] });
	r = await app.read('secret/data/app/db');
	assert('undelete', r.data.data.password === 'v2', r.data);
	await app.write('secret/destroy/app/db', { versions: [1] });
	const m2 = await app.read('secret/metadata/app/db');
	assert('destroy v1', m2.data.versions['1'].destroyed === true, m2.data.versions);
	code = await status(app.read('secret/data/other'));
	assert('outside the policy is 403', code === 403, code);

	const rn = await app.tokenRenewSelf({ increment: '2h' });
	assert('token renew-self', rn.auth && rn.auth.lease_duration > 0, rn);
	await op.tokenRevoke({ token: app.token });
	code = await status(app.read('secret/data/app/db'));
	assert('revoked token is 403', code === 403, code);

	await op.seal();
	code = await status(op.read('secret/data/app/db'));
	assert('sealed server refuses with 503', code === 503, code);
	const s2 = await op.status();
	assert('seal status sealed', s2.sealed === true, s2);
	console.log('node-vault: all passed');
})().catch((e) => {
	console.error(`FAIL ${e.message}${e.response ? ' ' + JSON.stringify(e.response.body) : ''}`);
	process.exit(1);
});
