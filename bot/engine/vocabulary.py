"""Word lists the engine uses to tell glossary words from chatter.

``STOPWORDS`` never carry meaning in a term query. ``GENERIC`` words are part of many names ("attack",
"security", "plan") and weigh little when matching. ``TECH_CONTEXT`` are computing words that often appear
around a question ("in my app", "on aws") without naming a term; together with every word of the glossary's
own text they make the domain vocabulary that separates "how do i stop sql injection in my app" from
"how to get rid of rats in my garage".
"""

from __future__ import annotations

STOPWORDS = frozenset(
    """
    a an the of to in on at for from by with as or and is are was be been being it its this that these those
    against via into onto upon
    my our your their his her i me we you he she they them us do does did can could would should will may
    might must shall about into over under than then so if but not no yes any some what whats which who how
    when where why there here just also very really please pls plz thx thanks ok okay hey hi hello yo bot off
    like actually exactly again more most much such one ones thing things stuff kind sort type
    """.split()
)

GENERIC = frozenset(
    """
    attack attacks security threat threats exploit exploits exploitation vulnerability vulnerabilities
    plan policy program programme management system systems framework process technique techniques method
    methods issue issues risk risks concept term software tool tools protocol control controls standard
    """.split()
)

TECH_CONTEXT = frozenset(
    """
    app apps application applications website websites site sites web webapp server servers service services
    api apis backend frontend database databases db sql code codebase repo repository repositories software
    computer computers pc pcs laptop laptops desktop phone phones mobile android ios iphone ipad mac macos
    linux windows unix network networks wifi router routers firewall cloud aws azure gcp google microsoft
    kubernetes k8s docker container containers vm vms django flask rails laravel spring express node nodejs
    react angular vue php python java javascript js typescript golang rust ruby dotnet wordpress nginx apache
    login logins password passwords account accounts user users email emails inbox browser browsers chrome
    firefox chatbot chatbots llm llms ai ml model models agent agents company companies business businesses
    org organisation organization team teams office enterprise employees staff home school university
    homelab lab ctf production prod dev devops pipeline ci cd github gitlab saas iot device devices
    hardware firmware endpoint endpoints data files file traffic packets packet dns http https tls ssl
    auth authentication token tokens session sessions cookie cookies smartphone tablet family grandma
    grandpa parents parent mom dad kids children elderly users customers clients client org's infra
    infrastructure environment environments system systems platform platforms stack lambda serverless
    number numbers project projects work job jobs homework assignment class course exam certification cert
    internet online offline store shop shops ecommerce payment payments bank banking card cards wallet crypto
    bitcoin blockchain smart tv camera cameras printer printers medical hospital
    healthcare government school schools students student admin admins sysadmin developer developers dev devs
    engineer engineers security secure secured securely protect protected protection attacker attackers hacker
    lan wan wlan ethernet modem isp text texts message messages sms chat chats dm dms discord slack teams zoom
    bit bits byte bytes memory ram cpu chip chips disk disks drive drives usb error errors bug bugs warning
    warnings crash crashes log logs alert alerts ticket tickets config configuration settings setting
    metadata endpoint endpoints instance instances vm container bucket buckets storage key keys link links
    """.split()
)

SECURITY_LEXICON = frozenset(
    """
    nonce nonces salt pepper iv hash hashes hashing bcrypt scrypt argon2 pbkdf2 md5 sha1 sha3 crc xor base64
    cipher ciphers ciphertext plaintext keystream block stream gcm cbc ecb ctr chacha20 poly1305 ed25519 ecdsa
    ecdh curve elliptic lattice quantum post otp totp hotp pad onetime entropy random prng csprng rng
    jwt jws jwe jwk saml oauth oidc openid ldap kerberos ntlm radius tacacs scim fido fido2 webauthn u2f yubikey
    captcha recaptcha honeytoken canary canarytoken tripwire yara sigma snort suricata zeek bro ossec wazuh
    splunk elastic kibana sentinel osquery sysmon etw auditd syslog netflow pcap wireshark tcpdump nmap
    metasploit burp zap nikto sqlmap hydra hashcat john mimikatz bloodhound cobalt strike empire sliver
    tor onion i2p proxy proxies socks vpn vpns wireguard ipsec openvpn ssh sftp ftp telnet rdp smb nfs snmp
    ntp bgp ospf arp dhcp icmp tcp udp ip ipv4 ipv6 nat vlan vlans dmz subnet subnets cidr mac port ports
    css html xml json yaml csv dom javascript ajax cors csp hsts sri samesite origin origins redirect
    redirects redirection url urls uri query parameter parameters header headers request requests response
    responses endpoint graphql rest soap grpc websocket websockets webhook webhooks
    integer overflow underflow heap stack buffer pointer pointers memory uaf dangling format string race
    condition conditions deserialization serialization injection fuzzing fuzzer fuzz sanitizer asan aslr
    dep nx canaries rop gadget gadgets shellcode payload payloads exploit kernel rootkit bootkit uefi bios
    firmware secureboot tpm enclave sgx trustzone hypervisor sandbox jail chroot seccomp apparmor selinux
    malvertising adware spyware ransomware scareware stalkerware bloatware grayware greyware riskware
    dropper droppers loader loaders packer packers obfuscation obfuscated crypter crypters stager beacon
    beacons implant implants c2 cnc exfil exfiltration persistence lateral escalation privesc pivot pivoting
    recon reconnaissance osint enumeration footprinting fingerprinting scanning scan scans scanner
    vulnerability vulnerabilities cve cves cwe cwes cvss epss kev nvd owasp sans nist iso mitre attack
    ttp ttps ioc iocs ioa indicator indicators threat intel intelligence stix taxii misp feed feeds
    incident incidents forensics forensic dfir triage playbook playbooks runbook runbooks tabletop drill
    drills exercise exercises siem soar edr xdr ndr mdr soc noc csirt cert psirt ciso cso dpo
    compliance audit audits auditor gdpr hipaa pci sox ccpa fedramp cmmc nis2 dora iso27001 soc2
    privacy anonymization anonymisation pseudonymization pseudonymisation encryption decryption
    certificate certificates cert certs ca pki x509 csr crl ocsp tls ssl https handshake mtls pinning
    password passwords passphrase passphrases passwordless passkey passkeys pin pins biometric biometrics
    mfa 2fa sso iam pam rbac abac acl acls permission permissions privilege privileges entitlement
    entitlements token tokens session sessions cookie cookies credential credentials secret secrets vault
    phishing smishing vishing quishing spam scam scams fraud impersonation spoofing spoof pretext lure
    malware virus viruses worm worms trojan trojans botnet botnets backdoor backdoors keylogger keyloggers
    antivirus antimalware firewall firewalls waf ids ips nids hids honeypot honeypots honeynet deception
    ddos dos flood flooding amplification reflection botnet mirai
    cloud iaas paas saas faas serverless container containers docker kubernetes k8s pod pods helm terraform
    iac misconfiguration misconfigurations bucket buckets s3 blob iam
    ai ml llm llms gpt chatgpt prompt prompts jailbreak jailbreaks rlhf alignment hallucination embedding
    embeddings vector rag agent agents model models weights dataset datasets training inference finetuning
    deepfake deepfakes adversarial poisoning
    iot ot ics scada plc plcs hmi modbus dnp3 rtu firmware embedded jtag uart usb bluetooth ble rfid nfc zigbee
    hardware chip chips cpu gpu side channel spectre meltdown rowhammer cache
    security cybersecurity infosec appsec devsecops secops netsec opsec hacker hackers hacking hack hacked
    pentest pentesting pentester redteam blueteam purpleteam ctf bugbounty exploit exploitation zeroday
    breach breaches leak leaks patch patches patching update updates hardening baseline benchmark cis stig
    backup backups recovery restore dlp casb sase swg ztna zerotrust microsegmentation segmentation
    """.split()
)

SECURITY_LEXICON = SECURITY_LEXICON | frozenset(
    """
    heartbleed shellshock log4shell log4j eternalblue wannacry notpetya petya solarwinds stuxnet conficker
    zeus emotet trickbot qakbot lockbit conti ryuk revil darkside blackcat alphv cl0p clop lazarus apt28 apt29
    pgp gpg openpgp smime dmarc dkim spf bimi mta sts starttls doh dot esni ech quic
    doxxing doxing catfishing wardriving warchalking bluesnarfing bluejacking bluebugging formjacking
    magecart skimming skimmer skimmers carding cardingforum juicejacking clickfraud adfraud
    ssti ssrf csrf xsrf xss sqli nosqli ldapi xxe rce lfi rfi idor bola bfla ssjs smuggling desync
    prototype pollution clobbering dangling takeover typosquat typosquatting cybersquatting homograph punycode
    padding oracle bleichenbacher poodle beast crime breach lucky13 sweet32 logjam freak drown robot
    birthday collision preimage rainbow dictionary bruteforce brute credential stuffing spraying
    kerberoast kerberoasting asreproast dcsync dcshadow mimikatz ntds sam lsass golden silver ticket tickets
    reverse bind shell shells webshell webshells beaconing implant rootkits bootkits firmware
    aslr dep cfi cet pac mte stack canary smashing heap spray spraying jop rop srop uaf toctou
    osint humint sigint recon doxx footprint footprinting enumeration reconnaissance
    quantum qkd bb84 pqc kyber dilithium sphincs falcon mlkem mldsa lattice
    federated differential homomorphic secure multiparty mpc zkp snark stark enclave attestation
    rag retrieval augmented embeddings vectorstore finetune finetuning finetuned tuned tuning distillation
    watermark watermarking
    prompt prompts jailbreaking redteaming guardrail guardrails hallucinate hallucinating hallucinations
    vlan hopping spanning stp cdp lldp mpls bgp rpki ospf rip eigrp hsrp vrrp arp ndp slaac
    domain fronting fast flux dga sinkhole sinkholing beacon exfiltrate exfiltrating tunneling tunnelling
    caesar vigenere enigma cipher substitution transposition onetimepad otp xor rot13 steganography stego
    drive download downloads malvertising clickjacking tabnabbing reverse tabnabbing cookie jacking
    sim swapping swap port porting esim imsi stingray ss7 diameter sms smishing vishing quishing
    deauth deauthentication handshake wpa wpa2 wpa3 wep wps krack pmkid evil twin rogue ap
    cve exploitdb shodan censys greynoise virustotal hybrid anyrun cuckoo ghidra ida radare binary ninja
    reversing reverse engineering decompile decompiler disassembler debugger fuzz fuzzing afl libfuzzer
    sast dast iast rasp sca sbom slsa sigstore cosign provenance supply chain dependency confusion
    waf rasp cdn ddos scrubbing anycast blackhole blackholing rate limiting throttling captcha captchas
    oauth2 pkce jwks saml2 kerberos ntlmv2 ldaps radius eap peap tls13 mtls spiffe spire
    soc2 iso27001 iso27002 nist800 csf cis hipaa hitrust gdpr ccpa cpra lgpd pipeda popia nis nis2 dora
    tisax swift pci dss pa qsa asv ropa dpia tia scc sccs bcr
    spyware stalkerware adware rootkit keylogger infostealer stealer stealers loader dropper wiper wipers
    ransomware ransom extortion doublextortion leaksite negotiator decryptor
    """.split()
)
