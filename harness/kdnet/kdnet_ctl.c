// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet_ctl.c - KDNET control channel: announcement, reply, data key
 *
 * Offsets below are within the control body, i.e. the plaintext after the
 * 8-byte KDNET header (plaintext offset = body offset + 8).
 *
 *   announcement (344 bytes)         reply (322 bytes)
 *    0  01                            0  01
 *    1  01 (kind)                     1  02 (kind)
 *    2  debuggee nonce[32]            2  echo of the debuggee nonce[32]
 *   34  debuggee ip (v4-mapped v6)   34  debugger nonce[32]
 *   50  debuggee port (BE)           66  zero[256]
 *   52  debugger ip, 68 port
 *   70  third ip, 86 port
 *   88  zero[256]
 *
 * Data key Kd = SHA-256(K | reply body[0..321]).
 */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "kdh/kdnet/kdnet.h"

#define CTL_VERSION	1
#define ANN_NONCE	2
#define ANN_ADDR0	34	/* three (ip16, port2) pairs follow */
#define REPLY_NONCE_E	2
#define REPLY_NONCE_R	34

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Read an (IPv4-mapped IPv6, big-endian port) pair; false if not mapped */
static bool addr_get(const uint8_t *p, uint32_t *ip, uint16_t *port)
{
	*ip = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
	      (uint32_t)p[14] << 8 | p[15];
	*port = (uint16_t)(p[16] << 8 | p[17]);
	return !memcmp(p, v4mapped_prefix, sizeof(v4mapped_prefix));
}

static void addr_put(uint8_t *p, uint32_t ip, uint16_t port)
{
	memcpy(p, v4mapped_prefix, sizeof(v4mapped_prefix));
	p[12] = (uint8_t)(ip >> 24);
	p[13] = (uint8_t)(ip >> 16);
	p[14] = (uint8_t)(ip >> 8);
	p[15] = (uint8_t)ip;
	p[16] = (uint8_t)(port >> 8);
	p[17] = (uint8_t)port;
}

/**
 * kdnet_ctl_kind() - kind of a control body
 * @body:	control payload (after the KDNET header)
 * @len:	its length
 *
 * Return: KDNET_CTL_ANNOUNCE, KDNET_CTL_REPLY, another kind byte, or
 * -EMSGSIZE when the body has no kind byte
 */
int kdnet_ctl_kind(const uint8_t *body, size_t len)
{
	if (len < 2)
		return -EMSGSIZE;
	return body[1];
}

/**
 * kdnet_announce_parse() - read a debuggee announcement
 * @body:	control payload
 * @len:	its length; at least the 88 bytes up to the third port
 * @a:		filled on success
 *
 * Return: 0, -EMSGSIZE when short, -EPROTO when not an announcement
 */
int kdnet_announce_parse(const uint8_t *body, size_t len,
			 struct kdnet_announce *a)
{
	const uint8_t *p = body + ANN_ADDR0;
	bool m1, m2, m3;

	if (len < ANN_ADDR0 + 3 * 18)
		return -EMSGSIZE;
	if (body[1] != KDNET_CTL_ANNOUNCE)
		return -EPROTO;
	memcpy(a->nonce, body + ANN_NONCE, KDNET_NONCE_LEN);
	m1 = addr_get(p, &a->debuggee_ip, &a->debuggee_port);
	m2 = addr_get(p + 18, &a->debugger_ip, &a->debugger_port);
	m3 = addr_get(p + 36, &a->third_ip, &a->third_port);
	a->mapped = m1 && m2 && m3;
	return 0;
}

/**
 * kdnet_announce_build() - write an announcement body
 * @a:		contents
 * @body:	output, KDNET_ANNOUNCE_LEN bytes
 */
void kdnet_announce_build(const struct kdnet_announce *a,
			  uint8_t body[KDNET_ANNOUNCE_LEN])
{
	memset(body, 0, KDNET_ANNOUNCE_LEN);
	body[0] = CTL_VERSION;
	body[1] = KDNET_CTL_ANNOUNCE;
	memcpy(body + ANN_NONCE, a->nonce, KDNET_NONCE_LEN);
	addr_put(body + ANN_ADDR0, a->debuggee_ip, a->debuggee_port);
	addr_put(body + ANN_ADDR0 + 18, a->debugger_ip, a->debugger_port);
	addr_put(body + ANN_ADDR0 + 36, a->third_ip, a->third_port);
}

/**
 * kdnet_reply_parse() - read a debugger reply
 * @body:	control payload
 * @len:	its length, at least KDNET_REPLY_LEN
 * @r:		filled on success
 *
 * Return: 0, -EMSGSIZE when short, -EPROTO when not a reply
 */
int kdnet_reply_parse(const uint8_t *body, size_t len, struct kdnet_reply *r)
{
	if (len < KDNET_REPLY_LEN)
		return -EMSGSIZE;
	if (body[1] != KDNET_CTL_REPLY)
		return -EPROTO;
	memcpy(r->debuggee_nonce, body + REPLY_NONCE_E, KDNET_NONCE_LEN);
	memcpy(r->debugger_nonce, body + REPLY_NONCE_R, KDNET_NONCE_LEN);
	return 0;
}

/**
 * kdnet_reply_build() - write a reply body
 * @r:		the echoed debuggee nonce and the debugger's nonce
 * @body:	output, KDNET_REPLY_LEN bytes
 */
void kdnet_reply_build(const struct kdnet_reply *r,
		       uint8_t body[KDNET_REPLY_LEN])
{
	memset(body, 0, KDNET_REPLY_LEN);
	body[0] = CTL_VERSION;
	body[1] = KDNET_CTL_REPLY;
	memcpy(body + REPLY_NONCE_E, r->debuggee_nonce, KDNET_NONCE_LEN);
	memcpy(body + REPLY_NONCE_R, r->debugger_nonce, KDNET_NONCE_LEN);
}

/**
 * kdnet_data_key() - session key from K and the debugger's reply body
 * @key:	K
 * @reply_body:	control payload of the reply
 * @len:	its length, at least KDNET_REPLY_LEN (only those bytes count)
 * @kd:		output, the data-channel AES key
 *
 * Return: 0, -EMSGSIZE when @len is short, KDNET_E_CRYPTO
 */
int kdnet_data_key(const uint8_t key[KDNET_KEY_LEN], const uint8_t *reply_body,
		   size_t len, uint8_t kd[KDNET_KEY_LEN])
{
	EVP_MD_CTX *md;
	unsigned int out_len = 0;
	int ok;

	if (len < KDNET_REPLY_LEN)
		return -EMSGSIZE;
	md = EVP_MD_CTX_new();
	if (!md)
		return KDNET_E_CRYPTO;
	ok = EVP_DigestInit_ex2(md, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(md, key, KDNET_KEY_LEN) &&
	     EVP_DigestUpdate(md, reply_body, KDNET_REPLY_LEN) &&
	     EVP_DigestFinal_ex(md, kd, &out_len) && out_len == KDNET_KEY_LEN;
	EVP_MD_CTX_free(md);
	return ok ? 0 : KDNET_E_CRYPTO;
}
