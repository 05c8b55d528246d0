/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdnet.h - KDNET codec: keys, outer datagram, control channel, data key
 *
 * The wire format is described in docs/kdnet-protocol.md of the project's
 * shared documents and summarised in docs/model.md.  Every function here
 * is pure in the sense that matters for fuzzing: bytes in, structs out, no
 * I/O.  The only state is struct kdnet_cipher, which caches OpenSSL
 * contexts so a key is expanded once, not once per packet.
 */
#ifndef KDH_KDNET_H
#define KDH_KDNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KDNET_KEY_LEN		32	/* AES-256 key */
#define KDNET_TAG_LEN		16	/* truncated HMAC-SHA256, also the CBC IV */
#define KDNET_OUTER_LEN		6	/* "MDBG", version, channel */
#define KDNET_HDR_LEN		8	/* decrypted header before the payload */
#define KDNET_BLOCK		16
#define KDNET_MIN_DGRAM		(KDNET_OUTER_LEN + KDNET_BLOCK + KDNET_TAG_LEN)
#define KDNET_MAX_DGRAM		65507	/* largest UDP payload over IPv4 */
/* the largest payload whose sealed datagram (padded to a block) still
 * fits in KDNET_MAX_DGRAM: 65464 bytes */
#define KDNET_MAX_PAYLOAD	((KDNET_MAX_DGRAM - KDNET_OUTER_LEN - KDNET_TAG_LEN) \
				 / KDNET_BLOCK * KDNET_BLOCK - KDNET_HDR_LEN)
#define KDNET_DEFAULT_PORT	50000
#define KDNET_DIR_DEBUGGER	0x80	/* header byte 7: sent by the debugger */

/* Outer channel byte */
enum kdnet_channel {
	KDNET_CH_DATA = 0,
	KDNET_CH_CONTROL = 1,
};

/* Control message kinds (control body byte 1) */
enum kdnet_ctl_kind {
	KDNET_CTL_ANNOUNCE = 1,	/* debuggee "poke", every ~3 s */
	KDNET_CTL_REPLY = 2,	/* debugger answer, gives the data key */
};

#define KDNET_NONCE_LEN		32
#define KDNET_ANNOUNCE_LEN	344	/* control body, plaintext 8..351 */
#define KDNET_REPLY_LEN		322	/* control body, plaintext 8..329 */

/* Result codes beyond plain errno values, all negative */
#define KDNET_E_MALFORMED	(-1001)	/* not a well-formed KDNET datagram */
#define KDNET_E_AUTH		(-1002)	/* HMAC does not verify */
#define KDNET_E_NOKEY		(-1003)	/* data packet, no session key known */
#define KDNET_E_HEADER		(-1004)	/* authentic, inner header inconsistent */
#define KDNET_E_NOSPACE		(-1005)	/* output buffer too small */
#define KDNET_E_CRYPTO		(-1006)	/* OpenSSL failed */

const char *kdnet_strerror(int code);

/* Keys */
int kdnet_key_parse(const char *str, uint8_t key[KDNET_KEY_LEN],
		    char *err, size_t errlen);
int kdnet_key_format(const uint8_t key[KDNET_KEY_LEN], char *buf, size_t len);

/**
 * struct kdnet_outer - unencrypted view of a datagram
 * @version:	protocol version byte (4 and 5 seen from Windows)
 * @channel:	KDNET_CH_DATA or KDNET_CH_CONTROL
 * @ct:		ciphertext, @ct_len bytes, a non-zero multiple of 16
 * @tag:	the trailing 16 bytes (HMAC prefix and IV)
 */
struct kdnet_outer {
	uint8_t version;
	uint8_t channel;
	const uint8_t *ct;
	size_t ct_len;
	const uint8_t *tag;
};

int kdnet_outer_parse(const uint8_t *dgram, size_t len, struct kdnet_outer *o);
bool kdnet_looks_like(const uint8_t *dgram, size_t len);

/**
 * struct kdnet_packet - a decrypted, authenticated datagram
 * @version:	outer version byte
 * @channel:	outer channel byte
 * @counter:	big-endian u32 at plaintext offset 3 (data: sequence number)
 * @from_debugger: direction bit of plaintext byte 7
 * @pad:	zero bytes at the end of the plaintext
 * @payload:	points into the caller's plaintext buffer
 * @payload_len: bytes of payload (plaintext minus header and padding)
 */
struct kdnet_packet {
	uint8_t version;
	uint8_t channel;
	uint32_t counter;
	bool from_debugger;
	uint8_t pad;
	const uint8_t *payload;
	size_t payload_len;
};

struct kdnet_cipher;

struct kdnet_cipher *kdnet_cipher_new(const uint8_t key[KDNET_KEY_LEN]);
void kdnet_cipher_free(struct kdnet_cipher *c);
int kdnet_cipher_set_data_key(struct kdnet_cipher *c,
			      const uint8_t kd[KDNET_KEY_LEN]);
bool kdnet_cipher_has_data_key(const struct kdnet_cipher *c);
const uint8_t *kdnet_cipher_key(const struct kdnet_cipher *c);

int kdnet_open(struct kdnet_cipher *c, const uint8_t *dgram, size_t len,
	       uint8_t *plain, size_t plain_cap, struct kdnet_packet *pkt);
int kdnet_seal(struct kdnet_cipher *c, const struct kdnet_packet *pkt,
	       uint8_t *out, size_t cap);
size_t kdnet_sealed_len(size_t payload_len);

/* Control channel bodies (payload of a KDNET_CH_CONTROL packet) */

/**
 * struct kdnet_announce - the debuggee's periodic announcement
 * @nonce:	32 bytes; the debugger echoes them in its reply
 * @debuggee_ip, @debugger_ip, @third_ip: IPv4, host byte order (sent as
 *		IPv4-mapped IPv6); @*_port in host byte order
 * @mapped:	all three addresses were IPv4-mapped
 */
struct kdnet_announce {
	uint8_t nonce[KDNET_NONCE_LEN];
	uint32_t debuggee_ip;
	uint16_t debuggee_port;
	uint32_t debugger_ip;
	uint16_t debugger_port;
	uint32_t third_ip;
	uint16_t third_port;
	bool mapped;
};

/**
 * struct kdnet_reply - the debugger's answer to an announcement
 * @debuggee_nonce: echo of the announcement's nonce
 * @debugger_nonce: fresh random bytes; they enter the data key
 */
struct kdnet_reply {
	uint8_t debuggee_nonce[KDNET_NONCE_LEN];
	uint8_t debugger_nonce[KDNET_NONCE_LEN];
};

int kdnet_ctl_kind(const uint8_t *body, size_t len);
int kdnet_announce_parse(const uint8_t *body, size_t len,
			 struct kdnet_announce *a);
void kdnet_announce_build(const struct kdnet_announce *a,
			  uint8_t body[KDNET_ANNOUNCE_LEN]);
int kdnet_reply_parse(const uint8_t *body, size_t len, struct kdnet_reply *r);
void kdnet_reply_build(const struct kdnet_reply *r,
		       uint8_t body[KDNET_REPLY_LEN]);
int kdnet_data_key(const uint8_t key[KDNET_KEY_LEN], const uint8_t *reply_body,
		   size_t len, uint8_t kd[KDNET_KEY_LEN]);

#endif /* KDH_KDNET_H */
