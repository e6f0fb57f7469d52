/*
 * avl.h - an intrusive AVL tree with parent pointers. The memory manager
 * keys several things with it: the VADs of an address space, the page runs
 * inside one VAD, its stacks and views. (The VADs' free-gap aggregates live
 * in the VAD index, vad_index.c, not here.)
 *
 * The tree never compares keys itself: callers descend to the place where a
 * node belongs and link it there (as Linux's rbtree does), so one tree code
 * serves every key.
 */
#ifndef NTSIM_MM_AVL_H
#define NTSIM_MM_AVL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct avl_node {
    struct avl_node *left, *right, *parent;
    int32_t height;   /* 1 for a leaf */
    uint32_t spare;   /* free for the embedding struct (keeps padding useful) */
} avl_node;

typedef struct avl_tree {
    avl_node *root;
} avl_tree;

/* Links n as the left (is_left) or right child of parent (NULL: as root), then
 * rebalances. O(log n). */
void avl_link(avl_tree *t, avl_node *n, avl_node *parent, int is_left);
/* Builds t (empty) from n nodes already in key order: a perfectly balanced
 * tree, heights computed bottom-up, no rotation. O(n). */
void avl_build(avl_tree *t, avl_node *const *sorted, size_t n);
/* Unlinks n and rebalances. O(log n). */
void avl_erase(avl_tree *t, avl_node *n);

avl_node *avl_first(const avl_tree *t);
avl_node *avl_last(const avl_tree *t);
avl_node *avl_next(const avl_node *n); /* amortised O(1) */
avl_node *avl_prev(const avl_node *n);

/* Debug check of shape, heights and parent links; returns the node count or
 * -1 when broken. O(n). */
long avl_check(const avl_tree *t);

#define avl_entry(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

#endif
