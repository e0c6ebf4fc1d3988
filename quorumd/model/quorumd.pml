/* twinhead-quorumd's protocol, as a Promela model for spin.
 *
 * Mirrors quorumd/qd_sm.c: two heads, each writing only its own slot
 * (state, epoch) on the shared disk, reading the peer's. Every step is its
 * own atomic action, so spin explores every interleaving: that covers a
 * head frozen (SIGSTOP) between any two steps for any time, and disk reads
 * and writes delayed past any number of the peer's steps. On top of that
 * the model lets each head's daemon crash (its services keep running),
 * restart, release primary, lose its disk, be fenced (powered off, which
 * ends its services and its vote) and be powered on again. Staleness is a
 * free choice: a head may judge its peer stale at any moment, rightly or
 * wrongly; safety must not depend on it being right.
 * The network between the heads appears nowhere: the protocol never reads
 * it, which is guarantee 4's argument; the vote each head casts is modelled,
 * and at most one may hold it.
 *
 * Checked (make check: tests/model/quorumd_model.sh):
 *   1. never two heads acting as primary;
 *   4. never two votes (only one side of a split is quorate);
 *   2. a head acts as primary only while its peer is off or not acting;
 *   3. see the `superseded' step: a head that reads a newer claim stops
 *      at once (and the safety checks fail if that step is removed).
 * Not modelled: the watchdog mode (it rests on a hardware reset bound).
 *
 * Mutants (cpp -D) remove one rule each; tests/model/quorumd_model.sh
 * checks that spin finds two primaries in each, so the model is known to
 * be able to fail: MUTANT_FENCE_NO_BACKOFF (no candidate step after the
 * fence), MUTANT_ELECT_NO_BACKOFF (no back-off in the candidate step).
 * Three more stay safe, and say something about the design:
 * MUTANT_NO_SUPERSEDE (the superseded rule is defence in depth),
 * MUTANT_ELECT_BOTH (letting both ids run costs only liveness), and
 * MUTANT_NO_FENCE (without the fence a dead primary's slot blocks the
 * takeover for ever: fencing is what makes takeover possible, the
 * candidate step is what makes it safe). */

#define MAXE 4          /* epochs explored */

mtype = { EMPTY, STARTING, SECONDARY, CANDIDATE, PRIMARY, RELEASED, STOPPED };

mtype st[2] = EMPTY;    /* slot states on disk */
byte ep[2];             /* slot epochs on disk */
bool powered[2] = true;
bool acting[2];         /* primary services running */
bool vote[2];
bool disk[2] = true;    /* the head can read and write the disk */
byte gen[2];            /* power cycles: a head's memory is good only within one */
bool wrote[2];          /* the head wrote its slot since the peer last fenced
			 * it: the model's view of "its (incarnation, seq)
			 * moved since the fence snapshot" */
byte crashes, releases, poweron, diskloss;

active proctype monitor()
{
end:	do
	:: assert(!(acting[0] && acting[1]));
	   assert(!(vote[0] && vote[1]))
	od
}

/* The environment: a fenced head may be powered on again, once. */
active proctype admin()
{
end:	do
	:: atomic { poweron < 1 && !powered[0] -> powered[0] = true; poweron++ }
	:: atomic { poweron < 1 && !powered[1] -> powered[1] = true; poweron++ }
	od
}

active [2] proctype head()
{
	byte me = _pid - 2;
	byte p = 1 - me;
	mtype role;
	mtype ps;               /* last read of the peer's slot */
	byte pe, epoch, cand, released, mygen;

	/* Power-off preempts whatever step the head is in, even if the head
	 * is not scheduled before power returns: it then boots afresh (its
	 * memory is gone). */
boot:	atomic { powered[me] -> mygen = gen[me] }
	{
	/* Start: whatever a crashed predecessor left running goes down, then
	 * the head writes STARTING and observes before any decision. */
	atomic { powered[me] -> acting[me] = false; vote[me] = false;
		 epoch = ep[me]; role = STARTING;
		 if :: disk[me] -> st[me] = STARTING; wrote[me] = true :: else fi }
	atomic { powered[me] && disk[me] -> role = SECONDARY; st[me] = SECONDARY; ep[me] = epoch;
		 wrote[me] = true }

	do
	/* read the peer's slot (this may be old news by the time it is used) */
	:: atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p];
		    if :: role != PRIMARY && role != CANDIDATE && pe > epoch -> epoch = pe
		       :: else fi }

#ifndef MUTANT_NO_SUPERSEDE
	/* guarantee 3: superseded by a newer claim: stop at once */
	:: atomic { powered[me] && role == PRIMARY && ps == PRIMARY &&
		    (pe > epoch || (pe == epoch && p < me)) ->
		    acting[me] = false; vote[me] = false; role = SECONDARY;
		    if :: disk[me] -> st[me] = SECONDARY; wrote[me] = true :: else fi }
#endif

	/* candidate step: released/stopped peer, or election by lower id */
	:: powered[me] && disk[me] && role == SECONDARY && epoch < MAXE &&
#ifdef MUTANT_ELECT_BOTH
	   (ps == RELEASED || ps == STOPPED || ps == SECONDARY) ->
#else
	   (ps == RELEASED || ps == STOPPED || (ps == SECONDARY && me < p)) ->
#endif
		cand = (pe > epoch -> pe : epoch) + 1;
		atomic { powered[me] && disk[me] -> st[me] = CANDIDATE; ep[me] = cand; role = CANDIDATE;
			 wrote[me] = true }
		/* after the candidate slot is verified on disk: read the peer */
		atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p] }
		if
#ifndef MUTANT_ELECT_NO_BACKOFF
		:: ps == CANDIDATE || ps == PRIMARY ->
			atomic { powered[me] && disk[me] -> st[me] = SECONDARY; role = SECONDARY;
				 wrote[me] = true }
#endif
		:: else ->
			atomic { powered[me] && disk[me] -> epoch = cand; st[me] = PRIMARY; ep[me] = epoch;
				 role = PRIMARY; wrote[me] = true }
			/* services start only after the claim is verified on disk */
			atomic { powered[me] && role == PRIMARY -> acting[me] = true; vote[me] = true }
		fi

	/* fence path: the peer judged stale and not cleanly stopped */
	:: powered[me] && disk[me] && role == SECONDARY && epoch < MAXE &&
	   ps != RELEASED && ps != STOPPED ->
#ifndef MUTANT_NO_FENCE
		/* confirmed power-off: its services and its vote end with it */
		atomic { powered[me] -> powered[p] = false; acting[p] = false; vote[p] = false;
			 wrote[p] = false; gen[p]++ }
#endif
		/* Then the candidate step too: the fenced head may have been
		 * powered on again and be running meanwhile. What it left on
		 * disk before the fence does not count against us. */
		cand = (pe > epoch -> pe : epoch) + 1;
		atomic { powered[me] && disk[me] -> st[me] = CANDIDATE; ep[me] = cand; role = CANDIDATE;
			 wrote[me] = true }
		atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p] }
		if
#ifndef MUTANT_FENCE_NO_BACKOFF
		:: wrote[p] && (ps == CANDIDATE || ps == PRIMARY) ->
			atomic { powered[me] && disk[me] -> st[me] = SECONDARY; role = SECONDARY;
				 wrote[me] = true }
#endif
		:: else ->
			atomic { powered[me] && disk[me] -> epoch = (pe > cand -> pe + 1 : cand);
				 st[me] = PRIMARY; ep[me] = epoch; role = PRIMARY; wrote[me] = true }
			atomic { powered[me] && role == PRIMARY -> acting[me] = true; vote[me] = true }
		fi

	/* clean release */
	:: atomic { powered[me] && disk[me] && role == PRIMARY && releases < 1 ->
		    releases++; acting[me] = false; vote[me] = false;
		    released = epoch; role = RELEASED; st[me] = RELEASED; wrote[me] = true }
	:: atomic { powered[me] && role == RELEASED && ps == PRIMARY && pe > released ->
		    role = SECONDARY; if :: disk[me] -> st[me] = SECONDARY; wrote[me] = true :: else fi }

	/* the head loses its disk: a primary drops its lease (no write) */
	:: atomic { powered[me] && diskloss < 1 && disk[me] -> diskloss++; disk[me] = false }
	:: atomic { powered[me] && !disk[me] && role == PRIMARY ->
		    acting[me] = false; vote[me] = false; role = SECONDARY }

	/* the daemon crashes: services stay, the vote lapses, it restarts */
	:: atomic { powered[me] && crashes < 1 -> crashes++; vote[me] = false }
		goto boot
	od
	} unless { gen[me] != mygen };
off:
	/* powered off: wait to be powered on, then boot afresh */
	atomic { powered[me] -> disk[me] = true }
	goto boot
}
