// SPDX-License-Identifier: GPL-2.0-or-later
/* kdnet.c - KDNET outer datagram: AES-256-CBC with the HMAC as IV
 *
 * Theory of operation
 *
 *   datagram = "MDBG" | version | channel | AES-256-CBC(plaintext) | tag
 *   plaintext = 000000 | counter (u32 BE) | dir|pad | payload | pad zeros
 *   tag = HMAC-SHA256(~K, "MDBG" | version | channel | plaintext)[0..15]
 *
 * The tag doubles as the CBC IV, so a receiver must decrypt first and only
 * then can check the tag.  The control channel is encrypted with K, the data
 * channel with the session key Kd (kdnet_ctl.c); the HMAC key is always ~K.
 *
 * struct kdnet_cipher keeps one AES context per key and one HMAC context, all
 * keyed once: per packet only the IV is set and the MAC is re-initialised.
 * This is what keeps `kdh bench decode` close to raw OpenSSL.
 *
 * Wing harness/kdnet/ (docs/development.md): the wire: KDNET datagrams,
 *   keys, control channel, KD packets, decoder.
 * Uses: nothing of the others.
 * Used by: cmd/, analyze/, platform/, target/, debugger/, run/, bench/.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "kdh/kdnet/kdnet.h"

static const uint8_t kdnet_magic[4] = { 'M', 'D', 'B', 'G' };

struct kdnet_cipher {
	uint8_t key[KDNET_KEY_LEN];
	uint8_t data_key[KDNET_KEY_LEN];
	bool have_data_key;
	EVP_CIPHER *aes;		/* fetched AES-256-CBC */
	EVP_CIPHER_CTX *dec[2];		/* [channel], keyed for decryption */
	EVP_CIPHER_CTX *enc[2];		/* [channel], keyed for encryption */
	EVP_MAC *mac;
	EVP_MAC_CTX *hmac;		/* keyed with ~K */
};

/**
 * kdnet_strerror() - text for a KDNET_E_* code or a negative errno
 * @code:	negative result of a kdnet_* function
 *
 * Return: static string
 */
const char *kdnet_strerror(int code)
{
	switch (code) {
	case KDNET_E_MALFORMED: return "not a well-formed KDNET datagram";
	case KDNET_E_AUTH:	return "authentication failed (wrong key or damaged)";
	case KDNET_E_NOKEY:	return "no session key (handshake not captured)";
	case KDNET_E_HEADER:	return "authentic but inner header inconsistent";
	case KDNET_E_NOSPACE:	return "buffer too small";
	case KDNET_E_CRYPTO:	return "OpenSSL error";
	default:		return strerror(-code);
	}
}

/**
 * kdnet_looks_like() - cheap test for the "MDBG" magic
 * @dgram:	UDP payload
 * @len:	its length
 *
 * Return: true if the payload starts with the KDNET magic
 */
bool kdnet_looks_like(const uint8_t *dgram, size_t len)
{
	return len >= sizeof(kdnet_magic) &&
	       !memcmp(dgram, kdnet_magic, sizeof(kdnet_magic));
}

/**
 * kdnet_outer_parse() - split a datagram into its unencrypted parts
 * @dgram:	UDP payload
 * @len:	its length
 * @o:		filled on success; pointers into @dgram
 *
 * Return: 0, or KDNET_E_MALFORMED (bad magic, channel or length)
 */
int kdnet_outer_parse(const uint8_t *dgram, size_t len, struct kdnet_outer *o)
{
	if (len < KDNET_MIN_DGRAM || len > KDNET_MAX_DGRAM ||
	    !kdnet_looks_like(dgram, len) ||
	    (len - KDNET_OUTER_LEN - KDNET_TAG_LEN) % KDNET_BLOCK)
		return KDNET_E_MALFORMED;
	if (dgram[5] != KDNET_CH_DATA && dgram[5] != KDNET_CH_CONTROL)
		return KDNET_E_MALFORMED;
	o->version = dgram[4];
	o->channel = dgram[5];
	o->ct = dgram + KDNET_OUTER_LEN;
	o->ct_len = len - KDNET_OUTER_LEN - KDNET_TAG_LEN;
	o->tag = dgram + len - KDNET_TAG_LEN;
	return 0;
}

static EVP_CIPHER_CTX *aes_ctx_new(const EVP_CIPHER *aes, const uint8_t *key,
				   int encrypt)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (!ctx)
		return NULL;
	if (!EVP_CipherInit_ex2(ctx, aes, key, NULL, encrypt, NULL) ||
	    !EVP_CIPHER_CTX_set_padding(ctx, 0)) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/**
 * kdnet_cipher_new() - contexts for the key of a bcdedit key string
 * @key:	K, from kdnet_key_parse()
 *
 * Return: new cipher without a data key, or NULL on allocation/OpenSSL error
 */
struct kdnet_cipher *kdnet_cipher_new(const uint8_t key[KDNET_KEY_LEN])
{
	struct kdnet_cipher *c = calloc(1, sizeof(*c));
	uint8_t hkey[KDNET_KEY_LEN];

	if (!c)
		return NULL;
	memcpy(c->key, key, KDNET_KEY_LEN);
	for (int i = 0; i < KDNET_KEY_LEN; i++)
		hkey[i] = key[i] ^ 0xff;

	c->aes = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
	c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!c->aes || !c->mac)
		goto err;
	c->dec[KDNET_CH_CONTROL] = aes_ctx_new(c->aes, key, 0);
	c->enc[KDNET_CH_CONTROL] = aes_ctx_new(c->aes, key, 1);
	c->hmac = EVP_MAC_CTX_new(c->mac);
	if (!c->dec[KDNET_CH_CONTROL] || !c->enc[KDNET_CH_CONTROL] || !c->hmac)
		goto err;

	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	if (!EVP_MAC_init(c->hmac, hkey, sizeof(hkey), params))
		goto err;
	OPENSSL_cleanse(hkey, sizeof(hkey));
	return c;
err:
	OPENSSL_cleanse(hkey, sizeof(hkey));
	kdnet_cipher_free(c);
	return NULL;
}

/**
 * kdnet_cipher_free() - release a cipher and wipe its keys
 * @c:		cipher, may be NULL
 */
void kdnet_cipher_free(struct kdnet_cipher *c)
{
	if (!c)
		return;
	for (int i = 0; i < 2; i++) {
		EVP_CIPHER_CTX_free(c->dec[i]);
		EVP_CIPHER_CTX_free(c->enc[i]);
	}
	EVP_MAC_CTX_free(c->hmac);
	EVP_MAC_free(c->mac);
	EVP_CIPHER_free(c->aes);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

/**
 * kdnet_cipher_set_data_key() - install (or replace) the session key Kd
 * @c:		cipher
 * @kd:		data key from kdnet_data_key()
 *
 * Return: 1 when the key changed, 0 when it already was @kd, KDNET_E_CRYPTO
 */
int kdnet_cipher_set_data_key(struct kdnet_cipher *c,
			      const uint8_t kd[KDNET_KEY_LEN])
{
	if (c->have_data_key && !memcmp(c->data_key, kd, KDNET_KEY_LEN))
		return 0;
	EVP_CIPHER_CTX_free(c->dec[KDNET_CH_DATA]);
	EVP_CIPHER_CTX_free(c->enc[KDNET_CH_DATA]);
	c->dec[KDNET_CH_DATA] = aes_ctx_new(c->aes, kd, 0);
	c->enc[KDNET_CH_DATA] = aes_ctx_new(c->aes, kd, 1);
	c->have_data_key = c->dec[KDNET_CH_DATA] && c->enc[KDNET_CH_DATA];
	if (!c->have_data_key)
		return KDNET_E_CRYPTO;
	memcpy(c->data_key, kd, KDNET_KEY_LEN);
	return 1;
}

/**
 * kdnet_cipher_has_data_key() - whether data packets can be opened/sealed
 * @c:		cipher
 *
 * Return: true once kdnet_cipher_set_data_key() succeeded
 */
bool kdnet_cipher_has_data_key(const struct kdnet_cipher *c)
{
	return c->have_data_key;
}

/**
 * kdnet_cipher_key() - the key K the cipher was made with
 * @c:		cipher
 *
 * Return: pointer to 32 bytes owned by @c
 */
const uint8_t *kdnet_cipher_key(const struct kdnet_cipher *c)
{
	return c->key;
}

/* Truncated HMAC over the outer header and the plaintext */
static int kdnet_tag(struct kdnet_cipher *c, const uint8_t *outer,
		     const uint8_t *plain, size_t len,
		     uint8_t tag[KDNET_TAG_LEN])
{
	uint8_t full[32];
	size_t out_len;

	if (!EVP_MAC_init(c->hmac, NULL, 0, NULL) ||
	    !EVP_MAC_update(c->hmac, outer, KDNET_OUTER_LEN) ||
	    !EVP_MAC_update(c->hmac, plain, len) ||
	    !EVP_MAC_final(c->hmac, full, &out_len, sizeof(full)))
		return KDNET_E_CRYPTO;
	memcpy(tag, full, KDNET_TAG_LEN);
	return 0;
}

static int aes_run(EVP_CIPHER_CTX *ctx, const uint8_t *iv, const uint8_t *in,
		   size_t len, uint8_t *out)
{
	int n1 = 0, n2 = 0;

	if (!EVP_CipherInit_ex2(ctx, NULL, NULL, iv, -1, NULL) ||
	    !EVP_CipherUpdate(ctx, out, &n1, in, (int)len) ||
	    !EVP_CipherFinal_ex(ctx, out + n1, &n2) ||
	    (size_t)(n1 + n2) != len)
		return KDNET_E_CRYPTO;
	return 0;
}

/* Check the decrypted header's padding and fill @pkt */
static int inner_header_parse(const uint8_t *plain, size_t len,
			      struct kdnet_packet *pkt)
{
	uint8_t pad = plain[7] & 0x7f;

	pkt->counter = (uint32_t)plain[3] << 24 | (uint32_t)plain[4] << 16 |
		       (uint32_t)plain[5] << 8 | plain[6];
	pkt->from_debugger = plain[7] & KDNET_DIR_DEBUGGER;
	pkt->pad = pad;
	if (pad >= KDNET_BLOCK || (size_t)pad + KDNET_HDR_LEN > len)
		return KDNET_E_HEADER;
	for (size_t i = len - pad; i < len; i++)
		if (plain[i])
			return KDNET_E_HEADER;
	pkt->payload = plain + KDNET_HDR_LEN;
	pkt->payload_len = len - KDNET_HDR_LEN - pad;
	return 0;
}

/**
 * kdnet_open() - decrypt and authenticate one datagram
 * @c:		cipher (needs a data key for channel 0)
 * @dgram:	UDP payload
 * @len:	its length
 * @plain:	output buffer for the plaintext, at least @len bytes
 * @plain_cap:	size of @plain
 * @pkt:	filled on success (and outer fields on any result past parsing)
 *
 * Return: 0, KDNET_E_MALFORMED, KDNET_E_NOKEY, KDNET_E_AUTH, KDNET_E_HEADER,
 * KDNET_E_NOSPACE or KDNET_E_CRYPTO
 */
int kdnet_open(struct kdnet_cipher *c, const uint8_t *dgram, size_t len,
	       uint8_t *plain, size_t plain_cap, struct kdnet_packet *pkt)
{
	struct kdnet_outer o;
	uint8_t tag[KDNET_TAG_LEN];
	int rc;

	memset(pkt, 0, sizeof(*pkt));
	rc = kdnet_outer_parse(dgram, len, &o);
	if (rc)
		return rc;
	pkt->version = o.version;
	pkt->channel = o.channel;
	if (o.channel == KDNET_CH_DATA && !c->have_data_key)
		return KDNET_E_NOKEY;
	if (plain_cap < o.ct_len)
		return KDNET_E_NOSPACE;

	rc = aes_run(c->dec[o.channel], o.tag, o.ct, o.ct_len, plain);
	if (!rc)
		rc = kdnet_tag(c, dgram, plain, o.ct_len, tag);
	if (rc)
		return rc;
	if (CRYPTO_memcmp(tag, o.tag, KDNET_TAG_LEN))
		return KDNET_E_AUTH;
	return inner_header_parse(plain, o.ct_len, pkt);
}

/**
 * kdnet_sealed_len() - datagram size for a payload
 * @payload_len: bytes of payload
 *
 * Return: outer header + padded plaintext + tag
 */
size_t kdnet_sealed_len(size_t payload_len)
{
	size_t plain = KDNET_HDR_LEN + payload_len;

	plain += (KDNET_BLOCK - plain % KDNET_BLOCK) % KDNET_BLOCK;
	return KDNET_OUTER_LEN + plain + KDNET_TAG_LEN;
}

/**
 * kdnet_seal() - build an encrypted, authenticated datagram
 * @c:		cipher (needs a data key for channel 0)
 * @pkt:	version, channel, counter, from_debugger, payload, payload_len;
 *		pad is computed
 * @out:	output buffer; may not overlap the payload
 * @cap:	size of @out, at least kdnet_sealed_len(payload_len)
 *
 * Return: datagram length, or KDNET_E_NOKEY, KDNET_E_NOSPACE,
 * KDNET_E_MALFORMED (bad channel or payload too large), KDNET_E_CRYPTO
 */
int kdnet_seal(struct kdnet_cipher *c, const struct kdnet_packet *pkt,
	       uint8_t *out, size_t cap)
{
	size_t total, plain_len;
	uint8_t *plain = out + KDNET_OUTER_LEN;
	uint8_t pad;
	int rc;

	if (pkt->channel > KDNET_CH_CONTROL ||
	    pkt->payload_len > KDNET_MAX_PAYLOAD)
		return KDNET_E_MALFORMED;
	if (pkt->channel == KDNET_CH_DATA && !c->have_data_key)
		return KDNET_E_NOKEY;
	total = kdnet_sealed_len(pkt->payload_len);
	if (cap < total)
		return KDNET_E_NOSPACE;
	plain_len = total - KDNET_OUTER_LEN - KDNET_TAG_LEN;
	pad = (uint8_t)(plain_len - KDNET_HDR_LEN - pkt->payload_len);

	memcpy(out, kdnet_magic, sizeof(kdnet_magic));
	out[4] = pkt->version;
	out[5] = pkt->channel;
	plain[0] = plain[1] = plain[2] = 0;
	plain[3] = (uint8_t)(pkt->counter >> 24);
	plain[4] = (uint8_t)(pkt->counter >> 16);
	plain[5] = (uint8_t)(pkt->counter >> 8);
	plain[6] = (uint8_t)pkt->counter;
	plain[7] = (uint8_t)((pkt->from_debugger ? KDNET_DIR_DEBUGGER : 0) | pad);
	if (pkt->payload_len)
		memcpy(plain + KDNET_HDR_LEN, pkt->payload, pkt->payload_len);
	memset(plain + KDNET_HDR_LEN + pkt->payload_len, 0, pad);

	rc = kdnet_tag(c, out, plain, plain_len, out + total - KDNET_TAG_LEN);
	if (!rc)	/* CBC in place: same in and out pointer is allowed */
		rc = aes_run(c->enc[pkt->channel], out + total - KDNET_TAG_LEN,
			     plain, plain_len, plain);
	return rc ? rc : (int)total;
}
