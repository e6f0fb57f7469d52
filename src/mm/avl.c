/*
 * avl.c - the AVL tree behind the VAD tree (Windows keeps VADs in an AVL
 * tree too, Windows Internals 7th ed., ch. 5 "Virtual address descriptors").
 * Height-based: every change walks up from the lowest touched node, fixing
 * heights and rotating where a side is two taller, in O(log n). The walk
 * ends at the first node whose height stays as it was: nothing above it can
 * change (most inserts stop within a level or two).
 */
#include "avl.h"

static int32_t height(const avl_node *n)
{
    return n ? n->height : 0;
}

/* Returns whether n's height changed. */
static bool update(avl_node *n)
{
    int32_t l = height(n->left), r = height(n->right);
    int32_t h = 1 + (l > r ? l : r);
    bool changed = h != n->height;
    n->height = h;
    return changed;
}

static void replace_child(avl_tree *t, avl_node *parent, avl_node *old, avl_node *new_node)
{
    if (!parent)
        t->root = new_node;
    else if (parent->left == old)
        parent->left = new_node;
    else
        parent->right = new_node;
}

static avl_node *rotate_left(avl_tree *t, avl_node *x)
{
    avl_node *y = x->right;
    x->right = y->left;
    if (y->left)
        y->left->parent = x;
    y->parent = x->parent;
    replace_child(t, x->parent, x, y);
    y->left = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

static avl_node *rotate_right(avl_tree *t, avl_node *x)
{
    avl_node *y = x->left;
    x->left = y->right;
    if (y->right)
        y->right->parent = x;
    y->parent = x->parent;
    replace_child(t, x->parent, x, y);
    y->right = x;
    x->parent = y;
    update(x);
    update(y);
    return y;
}

/* Walks up: heights, rotations; stops early once past
   `through` (a node that must be recomputed whatever happens below it). */
static void rebalance_from(avl_tree *t, avl_node *n, const avl_node *through)
{
    while (n) {
        bool changed = update(n);
        bool must = through != NULL;
        if (n == through)
            through = NULL;
        int32_t b = height(n->left) - height(n->right);
        if (b > 1) {
            if (height(n->left->left) < height(n->left->right))
                rotate_left(t, n->left);
            n = rotate_right(t, n);
        } else if (b < -1) {
            if (height(n->right->right) < height(n->right->left))
                rotate_right(t, n->right);
            n = rotate_left(t, n);
        } else if (!changed && !must) {
            return;
        }
        n = n->parent;
    }
}

void avl_link(avl_tree *t, avl_node *n, avl_node *parent, int is_left)
{
    n->left = n->right = NULL;
    n->parent = parent;
    n->height = 1;
    if (!parent)
        t->root = n;
    else if (is_left)
        parent->left = n;
    else
        parent->right = n;
    rebalance_from(t, parent, NULL);
}

static avl_node *build(avl_node *const *sorted, size_t n, avl_node *parent)
{
    if (n == 0)
        return NULL;
    size_t mid = n / 2;
    avl_node *root = sorted[mid];
    root->parent = parent;
    root->left = build(sorted, mid, root);
    root->right = build(sorted + mid + 1, n - mid - 1, root);
    root->height = 0;
    update(root);
    return root;
}

void avl_build(avl_tree *t, avl_node *const *sorted, size_t n)
{
    t->root = build(sorted, n, NULL);
}

void avl_erase(avl_tree *t, avl_node *n)
{
    avl_node *fix, *through = NULL;
    if (n->left && n->right) {
        avl_node *s = n->right;
        while (s->left)
            s = s->left;
        if (s->parent != n) {
            fix = s->parent;
            fix->left = s->right;
            if (s->right)
                s->right->parent = fix;
            s->right = n->right;
            n->right->parent = s;
        } else {
            fix = s;
        }
        s->left = n->left;
        n->left->parent = s;
        s->parent = n->parent;
        replace_child(t, n->parent, n, s);
        s->height = n->height;
        through = s; /* in n's place now: its aggregate is n's no longer */
    } else {
        avl_node *child = n->left ? n->left : n->right;
        if (child)
            child->parent = n->parent;
        replace_child(t, n->parent, n, child);
        fix = n->parent;
    }
    rebalance_from(t, fix, through);
}

avl_node *avl_first(const avl_tree *t)
{
    avl_node *n = t->root;
    if (n)
        while (n->left)
            n = n->left;
    return n;
}

avl_node *avl_last(const avl_tree *t)
{
    avl_node *n = t->root;
    if (n)
        while (n->right)
            n = n->right;
    return n;
}

avl_node *avl_next(const avl_node *n)
{
    if (n->right) {
        n = n->right;
        while (n->left)
            n = n->left;
        return (avl_node *)n;
    }
    while (n->parent && n->parent->right == n)
        n = n->parent;
    return n->parent;
}

avl_node *avl_prev(const avl_node *n)
{
    if (n->left) {
        n = n->left;
        while (n->right)
            n = n->right;
        return (avl_node *)n;
    }
    while (n->parent && n->parent->left == n)
        n = n->parent;
    return n->parent;
}

static long check(const avl_node *n, const avl_node *parent, int32_t *h)
{
    if (!n) {
        *h = 0;
        return 0;
    }
    if (n->parent != parent)
        return -1;
    int32_t hl = 0, hr = 0;
    long cl = check(n->left, n, &hl), cr = check(n->right, n, &hr);
    if (cl < 0 || cr < 0)
        return -1;
    if (hl - hr > 1 || hr - hl > 1)
        return -1;
    *h = 1 + (hl > hr ? hl : hr);
    if (*h != n->height)
        return -1;
    return cl + cr + 1;
}

long avl_check(const avl_tree *t)
{
    int32_t h;
    return check(t->root, NULL, &h);
}
