/* twinhead-quorumd's protocol, as a Promela model for spin.
 *
 * Mirrors quorumd/qd_sm.c: two heads, each writing only its own slot
 * (state, epoch, and the SERVICES_DOWN flag) on the shared disk, reading
 * the peer's. Every step is its own atomic action, so spin explores every
 * interleaving: that covers a head frozen (SIGSTOP) between any two steps
 * for any time, and disk reads and writes delayed past any number of the
 * peer's steps. On top of that the model lets each head's daemon crash
 * (its services keep running), restart, release primary, shut down as
 * secondary, lose its disk, be fenced (powered off, which ends its
 * services and its vote) and be powered on again. Staleness is a free
 * choice: a head may judge its peer stale at any moment, rightly or
 * wrongly; safety must not depend on it being right.
 *
 * Services are not instant: a head runs SVC of them (the IP, the target,
 * the pool); the demote hooks stop them one step at a time, and a demote
 * may fail part-way (services left running). A head's services run from
 * its promote until its demote ends, or until it is powered off. The
 * slot says SERVICES_DOWN only when none runs.
 *
 * The network between the heads appears nowhere: the protocol never reads
 * it, which is guarantee 4's argument; the vote each head casts is
 * modelled, and at most one may hold it. vote[i] is the vote votequorum
 * counts for head i on the current membership: a new membership (a split,
 * a merge, a head leaving or joining) counts nothing until the device
 * polls on it, and a primary casts it at once from what it knows, between
 * its ticks, without reading the disk (qd_sm_may_vote: primary, services
 * up, not releasing, lease fresh; twinhead-quorumd.c membership_changed).
 *
 * With -DPILL (the pill run, next to the full run: see ONCE below) a
 * fence is two steps, as the daemon runs it: the attempt starts and the
 * poison pill is posted in the fencing head's mailbox in one tick; later
 * the BMC acts (the head is powered off) or does not (no takeover). In
 * between the fenced head may read the pill: a primary steps down, and in
 * any state the head makes no claim without a fence (the hold) until it
 * ends; the model lets it end only once no fence of the head is under
 * way, the timing qc_poison_hold_ms is chosen for. A head that boots
 * drops pill and hold: after a power-off its pill is older than the hold
 * (the daemon keeps the hold of a younger one across a restart, dated by
 * the pill's time; the pill run has no crashes to need that).
 *
 * Checked (make check: tests/model/quorumd_model.sh):
 *   1. never services acting on both heads (guarantee 1, with services
 *      that take time to stop and may not stop at all);
 *   4. never two votes (only one side of a split is quorate);
 *   2. a head starts services only while its peer is off or has none;
 *   3. see the `superseded' step: a head that reads a newer claim stops
 *      at once (and the safety checks fail if that step is removed);
 *   5. (pill run; liveness, as a safety check) a head that read the pill
 *      of a fence still under way starts no claim without a fence: it
 *      would start services that fence then cuts (the flap a lab saw
 *      under load).
 * Not modelled: the watchdog mode (it rests on a hardware reset bound).
 *
 * Mutants (cpp -D) remove one rule each; tests/model/quorumd_model.sh
 * checks that spin finds services on both heads in each, so the model is
 * known to be able to fail: MUTANT_FENCE_NO_BACKOFF (no candidate step
 * after the fence), MUTANT_ELECT_NO_BACKOFF (no back-off in the candidate
 * step), MUTANT_RELEASE_EARLY (RELEASED written when the demote starts,
 * before its hooks end: issue 12's bug); MUTANT_NO_POISON_HOLD (no hold
 * after a poison pill) is caught by check 5. Three more stay safe, and say
 * something about the design: MUTANT_NO_SUPERSEDE (the superseded rule is
 * defence in depth), MUTANT_ELECT_BOTH (letting both ids run costs only
 * liveness), and MUTANT_NO_FENCE (without the fence a dead primary's slot
 * blocks the takeover for ever: fencing is what makes takeover possible,
 * the candidate step is what makes it safe). docs/quorumd.md says the
 * same. */

#define MAXE 4          /* epochs explored */
#define SVC 2           /* services a primary runs */
#ifdef PILL
/* The pill run: the fence in two steps with its poison pill and the hold,
 * and the claim the lab's flap took (the election of the lower id); the
 * crashes, disk loss, failed demotes, releases, shutdowns and new
 * memberships are left to the full run, which keeps the fence one step.
 * Both at once: over 130 M states (the full run has 19 M, this one 2 M). */
#define ONCE 0
#else
#define ONCE 1
#endif

mtype = { EMPTY, STARTING, SECONDARY, CANDIDATE, PRIMARY, RELEASED, STOPPED };

mtype st[2] = EMPTY;    /* slot states on disk */
byte ep[2];             /* slot epochs on disk */
bool down[2];           /* slot flag SERVICES_DOWN on disk */
bool powered[2] = true;
byte svc[2];            /* services running on the head */
bool vote[2];
bool disk[2] = true;    /* the head can read and write the disk */
byte gen[2];            /* power cycles: a head's memory is good only within one */
bool wrote[2];          /* the head wrote its slot since the peer last fenced
			 * it: the model's view of "its (incarnation, seq)
			 * moved since the fence snapshot" */
byte crashes, releases, poweron, diskloss, dfails; /* each at most once */
bool pill[2];           /* a poison pill in the head's mailbox, not read yet */
bool fencing[2];        /* a fence attempt against the head is under way */
bool held[2];           /* the head read a pill: no claim without a fence */
byte ffails;            /* fence attempts the BMC ignored: at most once */

active proctype monitor()
{
end:	do
	:: assert(!(svc[0] > 0 && svc[1] > 0));
	   assert(!(vote[0] && vote[1]))
	od
}

/* The environment: a fenced head may be powered on again, once; corosync
 * may form a new membership at any time (a split, a merge, a head leaving
 * or joining): no vote counts on it until the device polls on it. */
active proctype admin()
{
end:	do
	:: atomic { poweron < 1 && !powered[0] -> powered[0] = true; poweron++ }
	:: atomic { poweron < 1 && !powered[1] -> powered[1] = true; poweron++ }
	:: atomic { ONCE && (vote[0] || vote[1]) -> vote[0] = false; vote[1] = false }
	od
}

/* The demote hooks: one service stops per step; the demote may fail
 * (once in the whole run), leaving the rest running. ok: all stopped. */
inline demote(ok)
{
	do
	:: atomic { powered[me] && svc[me] > 0 -> svc[me]-- }
	:: atomic { powered[me] && svc[me] > 0 && dfails < ONCE -> dfails++; ok = false; break }
	:: atomic { svc[me] == 0 -> ok = true; break }
	od
}

/* A demote no rule waits for (the peer fences this head first, or the
 * head stays STARTING until it ends): all services stop in one step, at
 * any point after the decision. A failure there only delays; the state
 * machine test covers it (failed_startup_demote_keeps_the_head_starting). */
inline demote_now()
{
	atomic { powered[me] -> svc[me] = 0 }
}

active [2] proctype head()
{
	byte me = _pid - 2;
	byte p = 1 - me;
	mtype role;
	mtype ps;               /* last read of the peer's slot */
	bool pdown;             /* and its SERVICES_DOWN flag */
	byte pe, epoch, cand, released, mygen;
	bool ok;

	/* Power-off preempts whatever step the head is in, even if the head
	 * is not scheduled before power returns: it then boots afresh (its
	 * memory is gone). */
boot:	atomic { powered[me] -> mygen = gen[me] }
	{
	/* Start: write STARTING, then whatever a crashed predecessor left
	 * running goes down (demote, which may fail: the head stays STARTING
	 * and tries again), then observe before any decision. */
	atomic { powered[me] -> vote[me] = false; pill[me] = false; held[me] = false;
		 epoch = ep[me]; role = STARTING;
		 if :: disk[me] -> st[me] = STARTING; down[me] = false; wrote[me] = true :: else fi }
	demote_now();
	atomic { powered[me] && disk[me] -> role = SECONDARY; st[me] = SECONDARY; ep[me] = epoch;
		 down[me] = true; wrote[me] = true }

	do
	/* read the peer's slot (this may be old news by the time it is used) */
	:: atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p]; pdown = down[p];
		    if :: role != PRIMARY && role != CANDIDATE && pe > epoch -> epoch = pe
		       :: else fi }

#ifndef MUTANT_NO_SUPERSEDE
	/* guarantee 3: superseded by a newer claim: stop at once (the vote
	 * now, the services as fast as the demote goes) */
	:: atomic { powered[me] && role == PRIMARY && ps == PRIMARY &&
		    (pe > epoch || (pe == epoch && p < me)) ->
		    vote[me] = false; role = SECONDARY;
		    if :: disk[me] -> st[me] = SECONDARY; down[me] = false; wrote[me] = true
		       :: else fi }
		demote_now();
		atomic { powered[me] && disk[me] && role == SECONDARY -> down[me] = true }
#endif

#ifdef PILL
	/* the mailbox (read with the peer's slot): a poison pill starts the
	 * hold in any state; a primary also stops at once, as superseded */
	:: atomic { powered[me] && disk[me] && pill[me] && role != PRIMARY ->
		    pill[me] = false; held[me] = true }
	:: atomic { powered[me] && disk[me] && pill[me] && role == PRIMARY ->
		    pill[me] = false; held[me] = true;
		    vote[me] = false; role = SECONDARY; st[me] = SECONDARY; down[me] = false;
		    wrote[me] = true }
		demote_now();
		atomic { powered[me] && disk[me] && role == SECONDARY -> down[me] = true }
	/* the hold ends (poison_hold_ms), by then the fence it announced has
	 * landed or failed */
	:: atomic { powered[me] && held[me] && !fencing[me] -> held[me] = false }
#endif

	/* a new membership, or a tick: a primary casts the vote from memory */
	:: atomic { powered[me] && role == PRIMARY && svc[me] > 0 && !vote[me] -> vote[me] = true }

	/* candidate step: a peer that released (services down), or election
	 * by lower id against a secondary whose services are down; only a
	 * head whose own services are down runs, and none in the hold */
	:: powered[me] && disk[me] && role == SECONDARY && epoch < MAXE && svc[me] == 0 &&
#ifndef MUTANT_NO_POISON_HOLD
	   !held[me] &&
#endif
#ifdef MUTANT_ELECT_BOTH
	   (((ps == RELEASED || ps == STOPPED) && pdown) || (ps == SECONDARY && pdown)) ->
#else
	   (((ps == RELEASED || ps == STOPPED) && pdown) || (ps == SECONDARY && pdown && me < p)) ->
#endif
		/* check 5: never inside the hold of a fence under way */
		assert(!(held[me] && fencing[me]));
		cand = (pe > epoch -> pe : epoch) + 1;
		atomic { powered[me] && disk[me] -> st[me] = CANDIDATE; ep[me] = cand; role = CANDIDATE;
			 wrote[me] = true }
		/* after the candidate slot is verified on disk: read the peer; go
		 * on only if it is still quiet (not running, services down) */
		atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p]; pdown = down[p] }
		if
#ifndef MUTANT_ELECT_NO_BACKOFF
		:: !((ps == SECONDARY || ps == RELEASED || ps == STOPPED) && pdown) ->
			atomic { powered[me] && disk[me] -> st[me] = SECONDARY; role = SECONDARY;
				 wrote[me] = true }
#endif
		:: else ->
			atomic { powered[me] && disk[me] -> epoch = cand; st[me] = PRIMARY; ep[me] = epoch;
				 role = PRIMARY; wrote[me] = true }
			/* services start only after the claim is verified on disk */
			atomic { powered[me] && role == PRIMARY -> svc[me] = SVC; vote[me] = true;
				 down[me] = false }
		fi

	/* fence path: the peer judged stale and not cleanly stopped. The
	 * attempt starts and the pill is posted; the BMC acts later, or not
	 * (then no takeover: the head tries again when it likes). */
	:: powered[me] && disk[me] && role == SECONDARY && epoch < MAXE && svc[me] == 0 &&
	   !((ps == RELEASED || ps == STOPPED) && pdown) ->
#ifdef PILL
		atomic { powered[me] && disk[me] -> fencing[p] = true; pill[p] = true }
#endif
		if
#ifdef PILL
		:: atomic { ffails < 1 -> ffails++; fencing[p] = false }
#endif
		:: atomic { powered[me] ->
#ifndef MUTANT_NO_FENCE
			/* confirmed power-off: its services and its vote end with it */
			powered[p] = false; svc[p] = 0; vote[p] = false; wrote[p] = false; gen[p]++;
#endif
			fencing[p] = false }
			/* Then the candidate step too: the fenced head may have been
			 * powered on again and be running meanwhile. What it left on
			 * disk before the fence does not count against us. */
			cand = (pe > epoch -> pe : epoch) + 1;
			atomic { powered[me] && disk[me] -> st[me] = CANDIDATE; ep[me] = cand;
				 role = CANDIDATE; wrote[me] = true }
			atomic { powered[me] && disk[me] -> ps = st[p]; pe = ep[p]; pdown = down[p] }
			if
#ifndef MUTANT_FENCE_NO_BACKOFF
			:: wrote[p] && !((ps == SECONDARY || ps == RELEASED || ps == STOPPED) && pdown) ->
				atomic { powered[me] && disk[me] -> st[me] = SECONDARY; role = SECONDARY;
					 wrote[me] = true }
#endif
			:: else ->
				atomic { powered[me] && disk[me] -> epoch = (pe > cand -> pe + 1 : cand);
					 st[me] = PRIMARY; ep[me] = epoch; role = PRIMARY; wrote[me] = true }
				atomic { powered[me] && role == PRIMARY -> svc[me] = SVC; vote[me] = true;
					 down[me] = false }
			fi
		fi

	/* release (mailbox or SIGTERM): the vote goes, the slot stays PRIMARY
	 * while the demote runs; RELEASED with SERVICES_DOWN only after it
	 * succeeded. A failed demote leaves the head primary, with its vote. */
	:: atomic { powered[me] && disk[me] && role == PRIMARY && svc[me] > 0 && releases < ONCE ->
		    releases++; vote[me] = false;
#ifdef MUTANT_RELEASE_EARLY
		    released = epoch; role = RELEASED; st[me] = RELEASED; down[me] = true;
		    wrote[me] = true
#endif
		  }
		demote(ok);
		if
		:: ok -> atomic { powered[me] && disk[me] -> released = epoch; role = RELEASED;
				  st[me] = RELEASED; down[me] = true; wrote[me] = true; ok = false }
		:: !ok -> atomic { powered[me] && role == PRIMARY -> vote[me] = true }
		fi
	:: atomic { powered[me] && role == RELEASED && ps == PRIMARY && pe > released ->
		    role = SECONDARY; if :: disk[me] -> st[me] = SECONDARY; wrote[me] = true :: else fi }
	/* the peer went stale before it took over: secondary again */
	:: atomic { powered[me] && role == RELEASED ->
		    role = SECONDARY; if :: disk[me] -> st[me] = SECONDARY; wrote[me] = true :: else fi }

	/* shutdown as secondary: STOPPED with SERVICES_DOWN once none runs;
	 * the daemon exits (and may be started again) */
	:: atomic { powered[me] && disk[me] && role == SECONDARY && svc[me] == 0 && releases < ONCE ->
		    releases++; role = STOPPED; st[me] = STOPPED; down[me] = true; wrote[me] = true }
		goto boot

	/* the head loses its disk: a primary drops its lease (no write) */
	:: atomic { powered[me] && diskloss < ONCE && disk[me] -> diskloss++; disk[me] = false }
	:: atomic { powered[me] && !disk[me] && role == PRIMARY ->
		    vote[me] = false; role = SECONDARY }
		demote_now()

	/* the daemon crashes: services stay, the vote lapses, it restarts */
	:: atomic { powered[me] && crashes < ONCE -> crashes++; vote[me] = false }
		goto boot
	od
	} unless { gen[me] != mygen };
off:
	/* powered off: a fence attempt it ran ends with it */
	fencing[p] = false;
	/* wait to be powered on, then boot afresh */
	atomic { powered[me] -> disk[me] = true }
	goto boot
}
