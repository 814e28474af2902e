using System;
using System.Security.Cryptography;

namespace ThreadWise.Build.Tests;

/// <summary>A strong-name key pair made for the tests (.snk bytes) and its public key in assembly-metadata form.</summary>
internal static class Keys
{
    private static readonly Lazy<(byte[] KeyPair, byte[] PublicKey)> Pair = new(Create);

    /// <summary>The key pair as an .snk file holds it (a CAPI private key blob).</summary>
    public static byte[] KeyPair => Pair.Value.KeyPair;

    /// <summary>The public key as a strong-named assembly carries it.</summary>
    public static byte[] PublicKey => Pair.Value.PublicKey;

    private static (byte[], byte[]) Create()
    {
        using var rsa = new RSACryptoServiceProvider(1024);
        var keyPair = rsa.ExportCspBlob(includePrivateParameters: true);
        var publicBlob = rsa.ExportCspBlob(includePrivateParameters: false);
        publicBlob[5] = 0x24; // aiKeyAlg = CALG_RSA_SIGN (0x2400), as sn -k writes it
        var publicKey = new byte[12 + publicBlob.Length];
        BitConverter.GetBytes(0x2400).CopyTo(publicKey, 0);            // signature algorithm: CALG_RSA_SIGN
        BitConverter.GetBytes(0x8004).CopyTo(publicKey, 4);            // hash algorithm: CALG_SHA1
        BitConverter.GetBytes(publicBlob.Length).CopyTo(publicKey, 8);
        publicBlob.CopyTo(publicKey, 12);
        return (keyPair, publicKey);
    }
}
