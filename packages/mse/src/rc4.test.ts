import { describe, expect, it } from '@jest/globals';
import { Rc4 } from './rc4.js';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));

// RFC 6229 section 2: keystream at each offset for three of its keys.
const RFC6229: readonly { key: string; blocks: readonly [number, string][] }[] = [
  {
    key: '0102030405',
    blocks: [
      [0x0000, 'b2396305f03dc027ccc3524a0a1118a8'], [0x0010, '6982944f18fc82d589c403a47a0d0919'],
      [0x00f0, '28cb1132c96ce286421dcaadb8b69eae'], [0x0100, '1cfcf62b03eddb641d77dfcf7f8d8c93'],
      [0x01f0, '42b7d0cdd918a8a33dd51781c81f4041'], [0x0200, '6459844432a7da923cfb3eb4980661f6'],
      [0x02f0, 'ec10327bde2beefd18f9277680457e22'], [0x0300, 'eb62638d4f0ba1fe9fca20e05bf8ff2b'],
      [0x03f0, '45129048e6a0ed0b56b490338f078da5'], [0x0400, '30abbcc7c20b01609f23ee2d5f6bb7df'],
      [0x05f0, '3294f744d8f9790507e70f62e5bbceea'], [0x0600, 'd8729db41882259bee4f825325f5a130'],
      [0x07f0, '1eb14a0c13b3bf47fa2a0ba93ad45b8b'], [0x0800, 'cc582f8ba9f265e2b1be9112e975d2d7'],
      [0x0bf0, 'f2e30f9bd102ecbf75aaade9bc35c43c'], [0x0c00, 'ec0e11c479dc329dc8da7968fe965681'],
      [0x0ff0, '068326a2118416d21f9d04b2cd1ca050'], [0x1000, 'ff25b58995996707e51fbdf08b34d875'],
    ],
  },
  {
    key: '0102030405060708090a0b0c0d0e0f10',
    blocks: [
      [0x0000, '9ac7cc9a609d1ef7b2932899cde41b97'], [0x0010, '5248c4959014126a6e8a84f11d1a9e1c'],
      [0x00f0, '065902e4b620f6cc36c8589f66432f2b'], [0x0100, 'd39d566bc6bce3010768151549f3873f'],
      [0x01f0, 'b6d1e6c4a5e4771cad79538df295fb11'], [0x0200, 'c68c1d5c559a974123df1dbc52a43b89'],
      [0x02f0, 'c5ecf88de897fd57fed301701b82a259'], [0x0300, 'eccbe13de1fcc91c11a0b26c0bc8fa4d'],
      [0x03f0, 'e7a72574f8782ae26aabcf9ebcd66065'], [0x0400, 'bdf0324e6083dcc6d3cedd3ca8c53c16'],
      [0x05f0, 'b40110c4190b5622a96116b0017ed297'], [0x0600, 'ffa0b514647ec04f6306b892ae661181'],
      [0x07f0, 'd03d1bc03cd33d70dff9fa5d71963ebd'], [0x0800, '8a44126411eaa78bd51e8d87a8879bf5'],
      [0x0bf0, 'fabeb76028ade2d0e48722e46c4615a3'], [0x0c00, 'c05d88abd50357f935a63c59ee537623'],
      [0x0ff0, 'ff38265c1642c1abe8d3c2fe5e572bf8'], [0x1000, 'a36a4c301ae8ac13610ccbc12256cacc'],
    ],
  },
  {
    key: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    blocks: [
      [0x0000, 'eaa6bd25880bf93d3f5d1e4ca2611d91'], [0x0010, 'cfa45c9f7e714b54bdfa80027cb14380'],
      [0x00f0, '114ae344ded71b35f2e60febad727fd8'], [0x0100, '02e1e7056b0f623900496422943e97b6'],
      [0x01f0, '91cb93c787964e10d9527d999c6f936b'], [0x0200, '49b18b42f8e8367cbeb5ef104ba1c7cd'],
      [0x02f0, '87084b3ba700bade955610672745b374'], [0x0300, 'e7a7b9e9ec540d5ff43bdb12792d1b35'],
      [0x03f0, 'c799b596738f6b018c76c74b1759bd90'], [0x0400, '7fec5bfd9f9b89ce6548309092d7e958'],
      [0x05f0, '40f250b26d1f096a4afd4c340a588815'], [0x0600, '3e34135c79db010200767651cf263073'],
      [0x07f0, 'f656abccf88dd827027b2ce917d464ec'], [0x0800, '18b62503bfbc077fbabb98f20d98ab34'],
      [0x0bf0, '8aed95ee5b0dcbfbef4eb21d3a3f52f9'], [0x0c00, '625a1ab00ee39a5327346bddb01a9c18'],
      [0x0ff0, 'a13a7c79c7e119b5ab0296ab28c300b9'], [0x1000, 'f3e4c0a2e02d1d01f7f0a74618af2b48'],
    ],
  },
];

describe('RC4', () => {
  it.each(RFC6229)('produces the RFC 6229 keystream for key $key', ({ key, blocks }) => {
    const keystream = new Rc4(hex(key)).process(new Uint8Array(0x1010));
    for (const [offset, expected] of blocks) {
      expect(Buffer.from(keystream.subarray(offset, offset + 16)).toString('hex')).toBe(expected);
    }
  });

  it('discards keystream exactly like processing zeros would', () => {
    const skipped = new Rc4(hex('0102030405'), 0x0ff0).process(new Uint8Array(16));
    expect(Buffer.from(skipped).toString('hex')).toBe('068326a2118416d21f9d04b2cd1ca050');
  });

  it('encrypts in place between start and end, leaving the rest of the buffer alone', () => {
    const buffer = new Uint8Array(64).fill(0xaa);
    const whole = new Rc4(hex('0102')).update(new Uint8Array(32).fill(0xaa));
    new Rc4(hex('0102')).process(buffer, 16, 48);
    expect(buffer.subarray(16, 48)).toEqual(whole);
    expect(buffer.subarray(0, 16).every((b) => b === 0xaa) && buffer.subarray(48).every((b) => b === 0xaa)).toBe(true);
  });

  it('gives the same bytes however the stream is cut into calls', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) & 0xff);
    const expected = new Rc4(hex('abcdef'), 1024).update(data);
    for (const cut of [1, 7, 128, 299]) {
      const cipher = new Rc4(hex('abcdef'), 1024);
      const out = Uint8Array.from(data);
      cipher.process(out, 0, cut);
      cipher.process(out, cut);
      expect(out).toEqual(expected);
    }
  });

  it('decrypts what it encrypted', () => {
    const plain = new TextEncoder().encode('Plaintext');
    const cipher = new Rc4(new TextEncoder().encode('Key')).update(plain);
    expect(Buffer.from(cipher).toString('hex')).toBe('bbf316e8d940af0ad3');
    expect(new Rc4(new TextEncoder().encode('Key')).update(cipher)).toEqual(plain);
  });

  it('refuses an empty or oversized key with an MseError', () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(expect.objectContaining({ name: 'MseError', code: 'invalid-argument' }));
    expect(() => new Rc4(new Uint8Array(257))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});

describe('RC4 on views', () => {
  it('matches one-byte-per-call output at every alignment and length', () => {
    const key = Uint8Array.of(9, 8, 7);
    const reference = new Uint8Array(80);
    const cipher = new Rc4(key);
    for (let k = 0; k < reference.length; k++) cipher.process(reference, k, k + 1); // one byte per call
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; length <= 70; length += 7) {
        const backing = new Uint8Array(96);
        const view = backing.subarray(offset, offset + length);
        new Rc4(key).process(view);
        expect(view).toEqual(reference.subarray(0, length));
      }
    }
  });

  it('refuses a range outside the buffer', () => {
    expect(() => new Rc4(Uint8Array.of(1)).process(new Uint8Array(4), 2, 5)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });
});
