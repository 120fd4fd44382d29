// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title PlasmaRoot — the root-chain contract of an Atmosphere Plasma chain.
/// @notice Plasma MVP (deposit, submitBlock, startExit, challengeExit, finalizeExits with exit
/// priority by position) extended with bonded master nodes: anyone who posts the bond may
/// submit blocks; anyone who proves operator fraud freezes that operator's bond forever and
/// stops its blocks. Design and sources: docs/plasma.md.
///
/// Transaction encoding (256 bytes, eight 32-byte words, as abi.encode):
///   uint256 input0, uint256 input1            (utxo positions; 0 = unused)
///   address owner0, address token0, uint256 amount0
///   address owner1, address token1, uint256 amount1   (amount 0 = unused)
/// Signatures: 130 bytes, two 65-byte secp256k1 signatures (r, s, v) over keccak256(tx),
/// one per used input, by that input's owner. A block leaf is keccak256(tx ++ signatures).
/// utxo position = blknum * 1e9 + txindex * 1e4 + oindex.
interface IERC20 {
    function transfer(address to, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

contract PlasmaRoot {
    uint256 public constant CHILD_BLOCK_INTERVAL = 1000;
    uint256 public constant TREE_DEPTH = 16;
    uint256 public constant TX_LENGTH = 256;
    uint256 public constant SIGS_LENGTH = 130;
    address public constant ETH = address(0);
    uint256 private constant BLKNUM_FACTOR = 1_000_000_000;
    uint256 private constant TXINDEX_FACTOR = 10_000;

    /// Minimum bond a master node posts to become an operator.
    uint256 public immutable operatorBond;
    /// Bond attached to every exit; paid to a successful challenger, refunded otherwise.
    uint256 public immutable exitBond;
    /// Seconds an exit stays open to challenges (MVP: one week).
    uint256 public immutable challengePeriod;
    /// The operator fee: basis points of every finalized exit of an output created in an
    /// operator's block, credited to that operator (never to a frozen one).
    uint256 public immutable feeBasisPoints;

    struct ChildBlock {
        bytes32 root;
        uint64 timestamp;
        address operator; // zero for deposit blocks
    }

    struct Operator {
        uint256 bond;
        uint64 unbondRequestedAt;
        bool active;
        bool frozen;
        uint256 frozenAtBlock;
    }

    struct Exit {
        address owner;
        address token;
        uint256 amount;
        uint256 bond;
        address blockOperator;
    }

    /// A transaction and the proof that it is leaf `txindex` of child block `blknum`.
    struct IncludedTx {
        uint256 blknum;
        uint256 txindex;
        bytes txBytes;
        bytes sigs;
        bytes proof;
    }

    /// Where an output comes from: a deposit (preimage) or an included transaction.
    struct OutputSource {
        bool isDeposit;
        address depositOwner;
        address depositToken;
        uint256 depositAmount;
        IncludedTx tx;
    }

    mapping(uint256 => ChildBlock) public blocks;
    uint256 public currentChildBlock = CHILD_BLOCK_INTERVAL;
    uint256 public nextDepositBlock = 1;

    mapping(address => Operator) public operators;
    mapping(uint256 => Exit) public exits;
    mapping(uint256 => bool) public exitStarted;
    /// Transactions proven invalid, by (blknum * 1e9 + txindex * 1e4); their outputs never exit.
    mapping(uint256 => bool) public invalidTx;
    mapping(address => uint256[]) private exitQueues;
    mapping(address => mapping(address => uint256)) public withdrawable;
    mapping(address => mapping(address => uint256)) public operatorFees;

    struct RelayedRoot {
        bytes32 root;
        address relayer;
        uint64 relayedAt;
    }
    /// Block roots of other Plasma chains, relayed by master nodes bonded here.
    mapping(bytes32 => RelayedRoot) public relayedRoots;

    event OperatorBonded(address indexed operator, uint256 bond);
    event OperatorUnbondRequested(address indexed operator);
    event OperatorFrozen(address indexed operator, uint256 indexed blknum, string reason, address prover);
    event BlockSubmitted(uint256 indexed blknum, bytes32 root, address indexed operator);
    event Deposit(address indexed owner, address indexed token, uint256 amount, uint256 indexed blknum);
    event ExitStarted(uint256 indexed utxoPos, address indexed owner, address indexed token, uint256 amount);
    event ExitChallenged(uint256 indexed utxoPos, address indexed challenger);
    event ExitFinalized(uint256 indexed utxoPos, address indexed owner, address indexed token, uint256 amount);
    event TxInvalidated(uint256 indexed txPos, string reason);
    event RootRelayed(uint256 indexed sourceChainId, address indexed sourceContract, uint256 indexed blknum, bytes32 root, address relayer);

    error BondTooSmall(uint256 sent, uint256 required);
    error NotOperator(address who);
    error OperatorIsFrozen(address who);
    error UnbondNotReady(uint256 readyAt);
    error DepositsFull(uint256 blknum);
    error ZeroAmount();
    error TokenTransferFailed(address token);
    error WrongExitBond(uint256 sent, uint256 required);
    error NotADepositBlock(uint256 blknum);
    error NotAChildBlock(uint256 blknum);
    error UnknownBlock(uint256 blknum);
    error BadDeposit(uint256 utxoPos);
    error BadTxLength(uint256 length);
    error BadSigsLength(uint256 length);
    error BadProofLength(uint256 length);
    error BadOutputIndex(uint256 oindex);
    error NotIncluded(uint256 blknum, uint256 txindex);
    error NotOutputOwner(address caller, address owner);
    error ExitAlreadyStarted(uint256 utxoPos);
    error SourceTxInvalid(uint256 txPos);
    error NoSuchExit(uint256 utxoPos);
    error NotASpend(uint256 utxoPos);
    error BadSignature();
    error NotFraud(string why);
    error NothingToWithdraw();
    error TransferFailed();

    constructor(uint256 operatorBond_, uint256 exitBond_, uint256 challengePeriod_, uint256 feeBasisPoints_) {
        require(feeBasisPoints_ <= 1000, "fee above 10%");
        operatorBond = operatorBond_;
        exitBond = exitBond_;
        challengePeriod = challengePeriod_;
        feeBasisPoints = feeBasisPoints_;
    }

    // ─── master nodes ──────────────────────────────────────────────────────────────────────

    /// Posts (or tops up) a bond; at or above `operatorBond` the sender may submit blocks.
    function bond() external payable {
        Operator storage op = operators[msg.sender];
        if (op.frozen) revert OperatorIsFrozen(msg.sender);
        op.bond += msg.value;
        if (op.bond < operatorBond) revert BondTooSmall(op.bond, operatorBond);
        op.active = true;
        op.unbondRequestedAt = 0;
        emit OperatorBonded(msg.sender, op.bond);
    }

    /// Stops submitting; the bond can be withdrawn two challenge periods later, so fraud in
    /// the operator's last blocks can still be proven.
    function requestUnbond() external {
        Operator storage op = operators[msg.sender];
        if (op.frozen) revert OperatorIsFrozen(msg.sender);
        if (!op.active) revert NotOperator(msg.sender);
        op.active = false;
        op.unbondRequestedAt = uint64(block.timestamp);
        emit OperatorUnbondRequested(msg.sender);
    }

    function withdrawBond() external {
        Operator storage op = operators[msg.sender];
        if (op.frozen) revert OperatorIsFrozen(msg.sender);
        if (op.unbondRequestedAt == 0 || op.active) revert NotOperator(msg.sender);
        uint256 readyAt = op.unbondRequestedAt + 2 * challengePeriod;
        if (block.timestamp < readyAt) revert UnbondNotReady(readyAt);
        uint256 amount = op.bond;
        if (amount == 0) revert NothingToWithdraw();
        op.bond = 0;
        _send(msg.sender, ETH, amount);
    }

    function submitBlock(bytes32 root) external {
        Operator storage op = operators[msg.sender];
        if (op.frozen) revert OperatorIsFrozen(msg.sender);
        if (!op.active) revert NotOperator(msg.sender);
        uint256 blknum = currentChildBlock;
        blocks[blknum] = ChildBlock(root, uint64(block.timestamp), msg.sender);
        currentChildBlock = blknum + CHILD_BLOCK_INTERVAL;
        nextDepositBlock = 1;
        emit BlockSubmitted(blknum, root, msg.sender);
    }

    // ─── deposits ──────────────────────────────────────────────────────────────────────────

    function deposit() external payable {
        _deposit(msg.sender, ETH, msg.value);
    }

    function depositToken(address token, uint256 amount) external {
        if (token == ETH) revert TokenTransferFailed(token);
        _callToken(token, abi.encodeCall(IERC20.transferFrom, (msg.sender, address(this), amount)));
        _deposit(msg.sender, token, amount);
    }

    function _deposit(address owner, address token, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        if (nextDepositBlock >= CHILD_BLOCK_INTERVAL) revert DepositsFull(currentChildBlock);
        uint256 blknum = currentChildBlock - CHILD_BLOCK_INTERVAL + nextDepositBlock;
        nextDepositBlock += 1;
        blocks[blknum] = ChildBlock(depositRoot(owner, token, amount), uint64(block.timestamp), address(0));
        emit Deposit(owner, token, amount, blknum);
    }

    function depositRoot(address owner, address token, uint256 amount) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(owner, token, amount));
    }

    // ─── exits ─────────────────────────────────────────────────────────────────────────────

    /// Exits a deposit output (position blknum * 1e9).
    function startDepositExit(uint256 utxoPos, address token, uint256 amount) external payable {
        uint256 blknum = utxoPos / BLKNUM_FACTOR;
        if (blknum % CHILD_BLOCK_INTERVAL == 0 || utxoPos % BLKNUM_FACTOR != 0) revert NotADepositBlock(blknum);
        ChildBlock storage b = blocks[blknum];
        if (b.timestamp == 0) revert UnknownBlock(blknum);
        if (b.root != depositRoot(msg.sender, token, amount)) revert BadDeposit(utxoPos);
        _addExit(utxoPos, msg.sender, token, amount, b.timestamp, address(0));
    }

    /// Exits output `oindex` of an included transaction, with its Merkle inclusion proof.
    function startExit(uint256 utxoPos, bytes calldata txBytes, bytes calldata sigs, bytes calldata proof)
        external
        payable
    {
        (uint256 blknum, uint256 txindex, uint256 oindex) = decodePosition(utxoPos);
        if (blknum % CHILD_BLOCK_INTERVAL != 0) revert NotAChildBlock(blknum);
        ChildBlock storage b = blocks[blknum];
        if (b.timestamp == 0) revert UnknownBlock(blknum);
        _checkIncluded(b.root, txindex, txBytes, sigs, proof, blknum);
        if (invalidTx[blknum * BLKNUM_FACTOR + txindex * TXINDEX_FACTOR]) {
            revert SourceTxInvalid(blknum * BLKNUM_FACTOR + txindex * TXINDEX_FACTOR);
        }
        (address owner, address token, uint256 amount) = _output(txBytes, oindex);
        if (owner != msg.sender) revert NotOutputOwner(msg.sender, owner);
        if (amount == 0) revert ZeroAmount();
        _addExit(utxoPos, owner, token, amount, b.timestamp, b.operator);
    }

    function _addExit(uint256 utxoPos, address owner, address token, uint256 amount, uint256 createdAt, address op)
        private
    {
        if (msg.value != exitBond) revert WrongExitBond(msg.value, exitBond);
        if (exitStarted[utxoPos]) revert ExitAlreadyStarted(utxoPos);
        exitStarted[utxoPos] = true;
        // MVP priority: exitable at max(created + 2 periods, now + 1 period), then by position.
        uint256 exitableAt = createdAt + 2 * challengePeriod;
        if (exitableAt < block.timestamp + challengePeriod) exitableAt = block.timestamp + challengePeriod;
        exits[utxoPos] = Exit(owner, token, amount, msg.value, op);
        _heapPush(exitQueues[token], (exitableAt << 128) | utxoPos);
        emit ExitStarted(utxoPos, owner, token, amount);
    }

    /// Cancels an exit by showing a transaction, signed by the exit's owner, that spends it.
    /// The challenger receives the exit bond.
    function challengeExit(uint256 utxoPos, bytes calldata spendTx, uint256 inputIndex, bytes calldata spendSig)
        external
    {
        Exit storage e = exits[utxoPos];
        if (e.owner == address(0)) revert NoSuchExit(utxoPos);
        if (spendTx.length != TX_LENGTH) revert BadTxLength(spendTx.length);
        if (inputIndex > 1 || _input(spendTx, inputIndex) != utxoPos) revert NotASpend(utxoPos);
        if (recoverSigner(keccak256(spendTx), spendSig) != e.owner) revert BadSignature();
        uint256 reward = e.bond;
        delete exits[utxoPos];
        emit ExitChallenged(utxoPos, msg.sender);
        _send(msg.sender, ETH, reward);
    }

    /// Cancels an exit whose source transaction was proven invalid; the caller gets the bond.
    function challengeInvalidExit(uint256 utxoPos) external {
        Exit storage e = exits[utxoPos];
        if (e.owner == address(0)) revert NoSuchExit(utxoPos);
        uint256 txPos = utxoPos - (utxoPos % TXINDEX_FACTOR);
        if (!invalidTx[txPos]) revert NotFraud("source transaction not proven invalid");
        uint256 reward = e.bond;
        delete exits[utxoPos];
        emit ExitChallenged(utxoPos, msg.sender);
        _send(msg.sender, ETH, reward);
    }

    /// Pays out, in priority order, every exit of `token` whose time has come (at most `max`).
    function finalizeExits(address token, uint256 max) external returns (uint256 processed) {
        uint256[] storage queue = exitQueues[token];
        while (queue.length > 0 && processed < max) {
            uint256 top = queue[0];
            if ((top >> 128) > block.timestamp) break;
            _heapPop(queue);
            processed += 1;
            uint256 utxoPos = top & type(uint128).max;
            Exit memory e = exits[utxoPos];
            if (e.owner == address(0)) continue; // challenged
            delete exits[utxoPos];
            uint256 fee = 0;
            if (e.blockOperator != address(0) && !operators[e.blockOperator].frozen) {
                fee = (e.amount * feeBasisPoints) / 10_000;
                operatorFees[e.blockOperator][e.token] += fee;
            }
            withdrawable[e.owner][e.token] += e.amount - fee;
            withdrawable[e.owner][ETH] += e.bond;
            emit ExitFinalized(utxoPos, e.owner, e.token, e.amount - fee);
        }
    }

    function exitQueueLength(address token) external view returns (uint256) {
        return exitQueues[token].length;
    }

    /// Next exit of `token` in priority order: (exitableAt, utxoPos), or (0, 0) if none.
    function nextExit(address token) external view returns (uint256 exitableAt, uint256 utxoPos) {
        uint256[] storage queue = exitQueues[token];
        if (queue.length == 0) return (0, 0);
        return (queue[0] >> 128, queue[0] & type(uint128).max);
    }

    /// Pull payment of finalized exits and refunded bonds (a reverting receiver cannot block the queue).
    function withdraw(address token) external {
        uint256 amount = withdrawable[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw();
        withdrawable[msg.sender][token] = 0;
        _send(msg.sender, token, amount);
    }

    function withdrawFees(address token) external {
        if (operators[msg.sender].frozen) revert OperatorIsFrozen(msg.sender);
        uint256 amount = operatorFees[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw();
        operatorFees[msg.sender][token] = 0;
        _send(msg.sender, token, amount);
    }

    // ─── fraud evidence ────────────────────────────────────────────────────────────────────

    /// Two included transactions spend the same output: the later one is invalid and its
    /// block's operator is frozen.
    function proveDoubleSpend(IncludedTx calldata a, uint256 inputA, IncludedTx calldata b, uint256 inputB) external {
        _checkIncludedTx(a);
        _checkIncludedTx(b);
        if (inputA > 1 || inputB > 1) revert NotFraud("input index");
        // Two transactions, or one transaction naming the same output in both inputs.
        if (a.blknum == b.blknum && a.txindex == b.txindex && inputA == inputB) revert NotFraud("same input");
        uint256 spent = _input(a.txBytes, inputA);
        if (spent == 0 || spent != _input(b.txBytes, inputB)) revert NotFraud("inputs differ");
        IncludedTx calldata later = (a.blknum > b.blknum || (a.blknum == b.blknum && a.txindex > b.txindex)) ? a : b;
        _fraud(later.blknum, later.txindex, "double spend");
    }

    /// An included transaction's input signature is not by the owner of the output it spends.
    function proveInvalidSignature(IncludedTx calldata t, uint256 inputIndex, OutputSource calldata source) external {
        _checkIncludedTx(t);
        if (inputIndex > 1) revert NotFraud("input index");
        uint256 utxoPos = _input(t.txBytes, inputIndex);
        if (utxoPos == 0) revert NotFraud("input unused");
        (address owner,,) = _sourceOutput(utxoPos, source);
        address signer = recoverSigner(keccak256(t.txBytes), t.sigs[inputIndex * 65:inputIndex * 65 + 65]);
        if (signer == owner) revert NotFraud("signature is valid");
        _fraud(t.blknum, t.txindex, "invalid signature");
    }

    /// An included transaction spends an output that does not exist: a block not yet
    /// submitted when it was included, a missing deposit, an empty leaf or an unused output.
    /// `emptyLeafProof` proves leaf txindex of the referenced child block is empty (zero).
    function proveNonExistentInput(IncludedTx calldata t, uint256 inputIndex, bytes calldata emptyLeafProof) external {
        _checkIncludedTx(t);
        if (inputIndex > 1) revert NotFraud("input index");
        uint256 utxoPos = _input(t.txBytes, inputIndex);
        if (utxoPos == 0) revert NotFraud("input unused");
        (uint256 blknum, uint256 txindex, uint256 oindex) = decodePosition(utxoPos);
        bool missing;
        if (blknum >= t.blknum || blocks[blknum].timestamp == 0) {
            missing = true; // spends a later block, or a block that never existed
        } else if (blknum % CHILD_BLOCK_INTERVAL != 0) {
            missing = txindex != 0 || oindex != 0; // deposits have a single output
        } else if (oindex > 1) {
            missing = true;
        } else {
            if (emptyLeafProof.length != TREE_DEPTH * 32) revert BadProofLength(emptyLeafProof.length);
            missing = _merkleRoot(bytes32(0), txindex, emptyLeafProof) == blocks[blknum].root;
        }
        if (!missing) revert NotFraud("input exists");
        _fraud(t.blknum, t.txindex, "spend of non-existent output");
    }

    /// An included transaction spends an output whose amount is zero (an unused output slot).
    function proveUnusedOutputSpend(IncludedTx calldata t, uint256 inputIndex, IncludedTx calldata source) external {
        _checkIncludedTx(t);
        _checkIncludedTx(source);
        if (inputIndex > 1) revert NotFraud("input index");
        uint256 utxoPos = _input(t.txBytes, inputIndex);
        (uint256 blknum, uint256 txindex, uint256 oindex) = decodePosition(utxoPos);
        if (source.blknum != blknum || source.txindex != txindex) revert NotFraud("wrong source");
        (,, uint256 amount) = _output(source.txBytes, oindex);
        if (amount != 0) revert NotFraud("output exists");
        _fraud(t.blknum, t.txindex, "spend of non-existent output");
    }

    /// An included transaction creates value: for some token its outputs exceed its inputs.
    function proveValueCreation(IncludedTx calldata t, OutputSource calldata in0, OutputSource calldata in1) external {
        _checkIncludedTx(t);
        (address t0, uint256 a0) = _inputValue(t.txBytes, 0, in0);
        (address t1, uint256 a1) = _inputValue(t.txBytes, 1, in1);
        (, address ot0, uint256 oa0) = _output(t.txBytes, 0);
        (, address ot1, uint256 oa1) = _output(t.txBytes, 1);
        if (_sumFor(ot0, ot0, oa0, ot1, oa1) <= _sumFor(ot0, t0, a0, t1, a1)
            && _sumFor(ot1, ot0, oa0, ot1, oa1) <= _sumFor(ot1, t0, a0, t1, a1)) {
            revert NotFraud("value conserved");
        }
        _fraud(t.blknum, t.txindex, "value creation");
    }

    function _inputValue(bytes calldata txBytes, uint256 i, OutputSource calldata src)
        private
        view
        returns (address token, uint256 amount)
    {
        uint256 utxoPos = _input(txBytes, i);
        if (utxoPos == 0) return (ETH, 0);
        (, token, amount) = _sourceOutput(utxoPos, src);
    }

    function _sumFor(address token, address ta, uint256 a, address tb, uint256 b) private pure returns (uint256 s) {
        if (ta == token) s += a;
        if (tb == token) s += b;
    }

    function _fraud(uint256 blknum, uint256 txindex, string memory reason) private {
        uint256 txPos = blknum * BLKNUM_FACTOR + txindex * TXINDEX_FACTOR;
        if (invalidTx[txPos]) revert NotFraud("already proven");
        invalidTx[txPos] = true;
        emit TxInvalidated(txPos, reason);
        address opAddr = blocks[blknum].operator;
        Operator storage op = operators[opAddr];
        if (!op.frozen) {
            op.frozen = true;
            op.active = false;
            op.frozenAtBlock = blknum;
            emit OperatorFrozen(opAddr, blknum, reason, msg.sender);
        }
    }

    /// Owner, token and amount of the output at `utxoPos`, proven by `src`.
    function _sourceOutput(uint256 utxoPos, OutputSource calldata src)
        private
        view
        returns (address owner, address token, uint256 amount)
    {
        (uint256 blknum, uint256 txindex, uint256 oindex) = decodePosition(utxoPos);
        if (src.isDeposit) {
            if (blknum % CHILD_BLOCK_INTERVAL == 0 || txindex != 0 || oindex != 0) revert NotADepositBlock(blknum);
            if (blocks[blknum].root != depositRoot(src.depositOwner, src.depositToken, src.depositAmount)) {
                revert BadDeposit(utxoPos);
            }
            return (src.depositOwner, src.depositToken, src.depositAmount);
        }
        if (src.tx.blknum != blknum || src.tx.txindex != txindex) revert NotFraud("wrong source");
        _checkIncludedTx(src.tx);
        return _output(src.tx.txBytes, oindex);
    }

    // ─── relayed roots (two chains synchronised through master nodes) ─────────────────────

    /// A master node bonded here records a block root of another Plasma chain. Anyone holding
    /// both chains can check it against the source contract (docs/plasma.md).
    function relayRoot(uint256 sourceChainId, address sourceContract, uint256 blknum, bytes32 root) external {
        Operator storage op = operators[msg.sender];
        if (op.frozen) revert OperatorIsFrozen(msg.sender);
        if (!op.active) revert NotOperator(msg.sender);
        relayedRoots[keccak256(abi.encode(sourceChainId, sourceContract, blknum))] =
            RelayedRoot(root, msg.sender, uint64(block.timestamp));
        emit RootRelayed(sourceChainId, sourceContract, blknum, root, msg.sender);
    }

    function relayedRoot(uint256 sourceChainId, address sourceContract, uint256 blknum)
        external
        view
        returns (bytes32 root, address relayer, uint64 relayedAt)
    {
        RelayedRoot storage r = relayedRoots[keccak256(abi.encode(sourceChainId, sourceContract, blknum))];
        return (r.root, r.relayer, r.relayedAt);
    }

    // ─── helpers ───────────────────────────────────────────────────────────────────────────

    function decodePosition(uint256 utxoPos) public pure returns (uint256 blknum, uint256 txindex, uint256 oindex) {
        blknum = utxoPos / BLKNUM_FACTOR;
        txindex = (utxoPos % BLKNUM_FACTOR) / TXINDEX_FACTOR;
        oindex = utxoPos % TXINDEX_FACTOR;
    }

    function _checkIncludedTx(IncludedTx calldata t) private view {
        if (t.blknum % CHILD_BLOCK_INTERVAL != 0) revert NotAChildBlock(t.blknum);
        ChildBlock storage b = blocks[t.blknum];
        if (b.timestamp == 0) revert UnknownBlock(t.blknum);
        _checkIncluded(b.root, t.txindex, t.txBytes, t.sigs, t.proof, t.blknum);
    }

    function _checkIncluded(
        bytes32 root,
        uint256 txindex,
        bytes calldata txBytes,
        bytes calldata sigs,
        bytes calldata proof,
        uint256 blknum
    ) private pure {
        if (txBytes.length != TX_LENGTH) revert BadTxLength(txBytes.length);
        if (sigs.length != SIGS_LENGTH) revert BadSigsLength(sigs.length);
        if (proof.length != TREE_DEPTH * 32) revert BadProofLength(proof.length);
        if (txindex >= (1 << TREE_DEPTH)) revert NotIncluded(blknum, txindex);
        bytes32 leaf = keccak256(abi.encodePacked(txBytes, sigs));
        if (_merkleRoot(leaf, txindex, proof) != root) revert NotIncluded(blknum, txindex);
    }

    function _merkleRoot(bytes32 leaf, uint256 index, bytes calldata proof) private pure returns (bytes32 node) {
        node = leaf;
        for (uint256 i = 0; i < TREE_DEPTH; i++) {
            bytes32 sibling = bytes32(proof[i * 32:i * 32 + 32]);
            node = (index & 1) == 0 ? keccak256(abi.encodePacked(node, sibling)) : keccak256(abi.encodePacked(sibling, node));
            index >>= 1;
        }
    }

    function _input(bytes calldata txBytes, uint256 i) private pure returns (uint256) {
        return uint256(bytes32(txBytes[i * 32:i * 32 + 32]));
    }

    function _output(bytes calldata txBytes, uint256 oindex)
        private
        pure
        returns (address owner, address token, uint256 amount)
    {
        if (oindex > 1) revert BadOutputIndex(oindex);
        uint256 base = 64 + oindex * 96;
        owner = address(uint160(uint256(bytes32(txBytes[base:base + 32]))));
        token = address(uint160(uint256(bytes32(txBytes[base + 32:base + 64]))));
        amount = uint256(bytes32(txBytes[base + 64:base + 96]));
    }

    function recoverSigner(bytes32 digest, bytes calldata sig) public pure returns (address) {
        if (sig.length != 65) return address(0);
        bytes32 r = bytes32(sig[0:32]);
        bytes32 s = bytes32(sig[32:64]);
        uint8 v = uint8(sig[64]);
        // Reject malleable high-s signatures (EIP-2) and bad v.
        if (uint256(s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) return address(0);
        if (v != 27 && v != 28) return address(0);
        return ecrecover(digest, v, r, s);
    }

    function _send(address to, address token, uint256 amount) private {
        if (token == ETH) {
            (bool ok,) = to.call{value: amount}("");
            if (!ok) revert TransferFailed();
        } else {
            _callToken(token, abi.encodeCall(IERC20.transfer, (to, amount)));
        }
    }

    function _callToken(address token, bytes memory data) private {
        (bool ok, bytes memory ret) = token.call(data);
        if (!ok || token.code.length == 0 || (ret.length != 0 && !abi.decode(ret, (bool)))) {
            revert TokenTransferFailed(token);
        }
    }

    // ─── binary min-heap of exit priorities, per token ─────────────────────────────────────

    function _heapPush(uint256[] storage h, uint256 v) private {
        h.push(v);
        uint256 i = h.length - 1;
        while (i > 0) {
            uint256 p = (i - 1) / 2;
            if (h[p] <= v) break;
            h[i] = h[p];
            i = p;
        }
        h[i] = v;
    }

    function _heapPop(uint256[] storage h) private {
        uint256 last = h[h.length - 1];
        h.pop();
        uint256 n = h.length;
        if (n == 0) return;
        uint256 i = 0;
        while (true) {
            uint256 l = 2 * i + 1;
            if (l >= n) break;
            uint256 c = (l + 1 < n && h[l + 1] < h[l]) ? l + 1 : l;
            if (h[c] >= last) break;
            h[i] = h[c];
            i = c;
        }
        h[i] = last;
    }
}
